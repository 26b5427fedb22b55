-- Mixed logged-in load for wrk: members read articles, lists and 홈, and one request in
-- ten is a write (half comments, half 추천 votes). Each request picks a member at random
-- from the sessions bench/run.py prepared: "session_cookie csrf_cookie session csrf"
-- per line, then "posts id id ...".
--   wrk -s bench/mixed.lua http://127.0.0.1:PORT -- bench/data/members.txt

local members, posts = {}, {}
local session_cookie, csrf_cookie
-- "벤치마크 댓글", percent-encoded for the form body.
local comment_body = "body=%EB%B2%A4%EC%B9%98%EB%A7%88%ED%81%AC+%EB%8C%93%EA%B8%80"

local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("number", thread_number)
end

function init(args)
  math.randomseed(os.time() + (number or 0) * 7919)
  for line in io.lines(args[1]) do
    local fields = {}
    for field in line:gmatch("%S+") do fields[#fields + 1] = field end
    if fields[1] == "posts" then
      for i = 2, #fields do posts[#posts + 1] = fields[i] end
    else
      session_cookie, csrf_cookie = fields[1], fields[2]
      members[#members + 1] = {session = fields[3], csrf = fields[4]}
    end
  end
end

function request()
  local member = members[math.random(#members)]
  local post = posts[math.random(#posts)]
  local headers = {Cookie = session_cookie .. "=" .. member.session .. "; " .. csrf_cookie .. "=" .. member.csrf}
  local roll = math.random(100)
  if roll <= 10 then
    headers["X-CSRFToken"] = member.csrf
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    if roll <= 5 then
      return wrk.format("POST", "/b/ainews/" .. post .. "/comments/", headers, comment_body)
    end
    headers["Accept"] = "application/json"
    return wrk.format("POST", "/b/ainews/" .. post .. "/vote/", headers, "value=up")
  elseif roll <= 55 then
    return wrk.format("GET", "/b/ainews/" .. post .. "/", headers)
  elseif roll <= 90 then
    return wrk.format("GET", "/b/ainews/?page=" .. math.random(10), headers)
  end
  return wrk.format("GET", "/", headers)
end
