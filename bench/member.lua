-- A logged-in member's pages for wrk: each thread is one member (bench/run.py runs as many
-- threads as connections, so one session per connection), with the session and CSRF
-- cookies bench/run.py prepared ("session_cookie csrf_cookie session csrf" per line).
--   wrk -t16 -c16 -s bench/member.lua http://127.0.0.1:PORT/b/ainews/ -- bench/data/members.txt

local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("number", thread_number)
end

function init(args)
  local n = 0
  for line in io.lines(args[1]) do
    local fields = {}
    for field in line:gmatch("%S+") do fields[#fields + 1] = field end
    if fields[1] ~= "posts" then
      n = n + 1
      if n == (number or 1) then
        wrk.headers["Cookie"] = fields[1] .. "=" .. fields[3] .. "; " .. fields[2] .. "=" .. fields[4]
      end
    end
  end
end
