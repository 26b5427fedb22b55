"""Members share cached pages (pagecache.py) with their own parts filled in (memberslots.py):
each member still sees their own name, vote, controls and working forms, and nothing of
the member whose request rendered the page."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from board import invalidation, memberslots, pagecache, services
from board.models import Comment, Post, PostVote
from tests.conftest import main_text, member_client, shared_page


@pytest.fixture
def alice(make_user):
    return make_user("alice", nickname="앨리스")


@pytest.fixture
def bora(make_user):
    return make_user("bora", nickname="보라")


@pytest.fixture
def article(make_post, make_comment, author, alice):
    post = make_post(title="함께 보는 글")
    make_comment(post, body="앨리스의 댓글", author=alice)
    make_comment(post, body="작성자의 댓글", author=author)
    return post


def comment_controls(html, text):
    """The links under the comment whose body holds `text` (its reply box left out)."""
    tail = html.split(text, 1)[1]
    actions = tail.split('<div class="comment-actions">', 1)[1].split("</div>", 1)[0]
    return re.sub(r"<details.*?</details>", "", actions, flags=re.S)


@pytest.mark.parametrize("url", ["/", "/b/ainews/", "ARTICLE"])
def test_a_page_one_member_rendered_greets_the_next_by_their_own_name(url, article, alice, bora):
    url = article.get_absolute_url() if url == "ARTICLE" else url
    member_client(alice).get(url)
    member_client(alice).get(url)

    html = shared_page(member_client(bora), url).content.decode()

    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    sidebar = html.split('<aside class="sidebar"', 1)[1].split('aria-labelledby="popular-title"')[0]
    assert "보라" in header and "앨리스" not in header
    assert "<strong>보라</strong>님" in sidebar and "앨리스" not in sidebar
    assert memberslots.slot("name").split(":")[0] not in html  # every slot was filled


def test_each_member_gets_the_controls_of_their_own_comments_and_post(article, author, alice, bora):
    url = article.get_absolute_url()
    shared_page(member_client(bora), url)

    as_alice = shared_page(member_client(alice), url).content.decode()
    as_author = shared_page(member_client(author), url).content.decode()

    alice_own = comment_controls(as_alice, "앨리스의 댓글")
    assert "수정</a>" in alice_own and "삭제</a>" in alice_own and "신고" not in alice_own
    alice_other = comment_controls(as_alice, "작성자의 댓글")
    assert "신고</a>" in alice_other and "수정" not in alice_other
    assert f'href="/b/ainews/{article.pk}/report/"' in as_alice and f"/b/ainews/{article.pk}/edit/" not in as_alice

    assert f"/b/ainews/{article.pk}/edit/" in as_author and f"/b/ainews/{article.pk}/report/" not in as_author
    assert "내 글에는 추천·비추천을 할 수 없습니다." in as_author
    assert 'class="vote-form"' not in as_author and 'class="vote-form"' in as_alice


def test_a_member_sees_their_own_vote_pressed_and_others_do_not(article, alice, bora):
    url = article.get_absolute_url()
    alice_client = member_client(alice)
    shared_page(member_client(bora), url)

    alice_client.post(f"{url}vote/", {"value": "up"})

    as_alice = alice_client.get(url).content.decode()
    as_bora = shared_page(member_client(bora), url).content.decode()
    assert re.search(r'vote-up" aria-pressed="true">추천 <strong data-count="up">1</strong>', as_alice)
    assert re.search(r'vote-up" aria-pressed="false">추천 <strong data-count="up">1</strong>', as_bora)


def test_a_members_votes_on_the_post_and_its_comments_are_read_in_one_query(
    article, alice, bora, author, django_assert_max_num_queries
):
    url = article.get_absolute_url()
    authors_comment = Comment.objects.get(post=article, author=author)
    services.cast_vote(user=bora, post=article, value=PostVote.DOWN)
    services.vote_comment(user=bora, comment=authors_comment)
    services.vote_comment(user=alice, comment=authors_comment)
    bora_client = member_client(bora)
    shared_page(member_client(alice), url)

    with django_assert_max_num_queries(6) as captured:
        page = bora_client.get(url).content.decode()

    vote_queries = [q["sql"] for q in captured.captured_queries if "vote" in q["sql"].split("FROM", 1)[-1]]
    assert len(vote_queries) == 1
    assert re.search(r'vote-down" aria-pressed="true">비추천 <strong data-count="down">1</strong>', page)
    assert re.search(r'vote-up" aria-pressed="false">추천', page)
    assert re.search(r'class="comment-vote" aria-pressed="true">추천 <strong>2</strong>', page)


def test_forms_on_a_shared_page_carry_the_members_own_csrf_token_and_fresh_keys(article, bora, alice):
    url = article.get_absolute_url()
    member_client(alice).get(url)
    member_client(alice).get(url)
    client = member_client(bora, enforce_csrf_checks=True)
    html = shared_page(client, url).content.decode()

    keys = re.findall(r'name="submission_key" value="([^"]+)"', html)
    assert len(keys) == len(set(keys)) == 3  # the comment form and two reply boxes
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", key) for key in keys), keys  # text, as the form reads it
    token = re.search(r'id="comment-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S).group(1)

    form = {"body": "보라의 답", "csrfmiddlewaretoken": token, "submission_key": keys[0]}
    response = client.post(f"{url}comments/", form)

    assert response.status_code == 302
    assert Comment.objects.filter(author=bora, body="보라의 답").exists()
    assert "보라의 답" in main_text(client.get(url))


def test_the_vote_buttons_on_a_shared_page_carry_a_working_csrf_token(article, alice, bora):
    url = article.get_absolute_url()
    member_client(alice).get(url)
    member_client(alice).get(url)
    client = member_client(bora, enforce_csrf_checks=True)
    html = shared_page(client, url).content.decode()

    vote_form = html.split('class="vote-form"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', vote_form).group(1)
    response = client.post(f"{url}vote/", {"value": "up", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert article.votes.filter(user=bora, value=1).exists()


def test_text_that_spells_out_a_slot_is_shown_as_written(make_post, bora):
    post = make_post(body="@@m:csrf@@ 그리고 @@m:name@@")

    html = shared_page(member_client(bora), post.get_absolute_url()).content.decode()

    assert "@@m:csrf@@ 그리고 @@m:name@@" in html


def test_moderators_get_their_own_page_and_members_never_see_what_only_they_see(article, moderator, bora, make_comment):
    url = article.get_absolute_url()
    hidden = make_comment(article, body="숨겨진 댓글")
    services.set_comment_hidden(comment=hidden, moderator=moderator, hidden=True)
    mod = member_client(moderator)

    mod.get(url)
    as_moderator = mod.get(url)

    assert "X-Page-Cache" not in as_moderator
    assert "숨겨진 댓글" in as_moderator.content.decode() and "moderation-bar" in as_moderator.content.decode()
    as_bora = shared_page(member_client(bora), url).content.decode()
    assert "숨겨진 댓글" not in as_bora and "moderation-bar" not in as_bora


def test_a_member_with_a_message_waiting_sees_it(article, author):
    client = member_client(author)
    url = article.get_absolute_url()
    shared_page(client, url)

    edit = {"title": "고친 제목", "body": "고친 본문", "tags_text": "", "source_url": ""}
    response = client.post(f"{url}edit/", edit, follow=True)

    assert "X-Page-Cache" not in response
    assert "글을 수정했습니다." in main_text(response)
    assert "고친 본문" in main_text(response)


@pytest.mark.parametrize("url", ["/b/ainews/999999/", "/b/no-such-board/", "/b/ainews/?page=abc"])
def test_an_error_page_on_a_shared_path_greets_the_member_by_name(url, bora, make_post):
    make_post()
    response = member_client(bora).get(url)

    html = response.content.decode()
    assert response.status_code in (200, 400, 404)
    assert "보라" in html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert memberslots.slot("name").split(":")[0] not in html


# --- Query budgets -----------------------------------------------------------------------


@pytest.fixture(params=[1, 25], ids=["1 thread", "25 threads"])
def article_with_threads(request, make_post, make_comment, make_user):
    """An article with this many comments each with a reply (by five members), among as
    many other posts, tagged, with votes on it."""
    threads = request.param
    post = make_post(title="댓글 많은 글", tags=[f"태그{i}" for i in range(threads)])
    commenters = [make_user() for _ in range(5)]
    for i in range(threads):
        parent = make_comment(post, body=f"댓글 {i}", author=commenters[i % 5])
        make_comment(post, body=f"답글 {i}", author=commenters[(i + 1) % 5], parent=parent)
        make_post(tags=[f"태그{i}"])
    Post.objects.filter(pk=post.pk).update(upvote_count=3)  # so the vote slot asks for the member's vote
    return post, threads


@pytest.mark.parametrize("url", ["/", "/b/ainews/", "ARTICLE"])
def test_member_pages_have_a_fixed_query_budget(url, article_with_threads, bora, alice, django_assert_max_num_queries):
    """A member's request costs its session, its user and (on an article) its vote, however
    many rows the page holds; the member who renders a page first pays the page's own queries."""
    post, threads = article_with_threads
    url = post.get_absolute_url() if url == "ARTICLE" else url
    Client().get("/b/nope-warmup/")  # the menu and sidebar are cached for every page
    first = member_client(alice)

    with django_assert_max_num_queries(14):
        first.get(url)
    first.get(url)
    client = member_client(bora)
    client.get(url)

    with django_assert_max_num_queries(4):
        response = client.get(url)

    assert response["X-Page-Cache"] == "hit"
    if url == post.get_absolute_url():
        assert len(re.findall(r"답글 \d+", main_text(response))) == threads


def test_the_vote_forms_token_on_a_shared_page_is_the_members_own(article, alice):
    """The header's form fills the csrf slot first; the vote box must print that token as
    text (it once printed b'…', and every vote from a shared page was refused)."""
    client = member_client(alice, enforce_csrf_checks=True)
    client.get(article.get_absolute_url())
    html = shared_page(client, article.get_absolute_url()).content.decode()

    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)
    assert tokens and all(re.fullmatch(r"[A-Za-z0-9]{64}", token) for token in tokens), tokens
    vote = client.post(f"/b/ainews/{article.pk}/vote/", {"value": "up", "csrfmiddlewaretoken": tokens[-1]})
    assert vote.status_code == 302


def vote_queries(captured):
    return [q["sql"] for q in captured.captured_queries if "vote" in q["sql"].split("FROM", 1)[-1]]


def test_a_member_reading_an_article_again_asks_nothing_for_their_votes(
    article, alice, bora, author, django_assert_max_num_queries
):
    authors_comment = Comment.objects.get(post=article, author=author)
    services.cast_vote(user=bora, post=article, value=PostVote.UP)
    services.vote_comment(user=bora, comment=authors_comment)
    url = article.get_absolute_url()
    shared_page(member_client(alice), url)
    client = member_client(bora)
    client.get(url)

    with django_assert_max_num_queries(6) as captured:
        page = client.get(url).content.decode()

    assert vote_queries(captured) == []
    assert re.search(r'vote-up" aria-pressed="true">추천 <strong data-count="up">1</strong>', page)
    assert re.search(r'class="comment-vote" aria-pressed="true">추천 <strong>1</strong>', page)


def test_other_members_comments_and_votes_leave_a_members_kept_votes_in_use(
    article, alice, bora, author, make_user, django_assert_max_num_queries
):
    authors_comment = Comment.objects.get(post=article, author=author)
    services.cast_vote(user=bora, post=article, value=PostVote.UP)
    services.vote_comment(user=bora, comment=authors_comment)
    url = article.get_absolute_url()
    client = member_client(bora)
    shared_page(client, url)
    carol = make_user("carol", nickname="캐럴")
    services.cast_vote(user=carol, post=article, value=PostVote.UP)
    services.vote_comment(user=carol, comment=authors_comment)
    member_client(alice).post(f"{url}comments/", {"body": "앨리스의 새 댓글"})

    with django_assert_max_num_queries(12) as captured:
        page = client.get(url).content.decode()

    assert vote_queries(captured) == []
    assert "앨리스의 새 댓글" in page
    assert re.search(r'vote-up" aria-pressed="true">추천 <strong data-count="up">2</strong>', page)
    assert re.search(r'class="comment-vote" aria-pressed="true">추천 <strong>2</strong>', page)


def test_a_members_kept_votes_follow_each_of_their_votes(article, alice, bora, author):
    authors_comment = Comment.objects.get(post=article, author=author)
    url = article.get_absolute_url()
    client = member_client(bora)
    shared_page(member_client(alice), url)
    Post.objects.filter(pk=article.pk).update(upvote_count=1)  # so the page asks for bora's vote
    services.vote_comment(user=alice, comment=authors_comment)  # and for their 추천
    assert 'aria-pressed="true"' not in shared_page(client, url).content.decode()

    client.post(f"{url}vote/", {"value": "down"})
    page = client.get(url).content.decode()
    assert re.search(r'vote-down" aria-pressed="true">', page)
    assert re.search(r'class="comment-vote" aria-pressed="false">', page)

    client.post(f"/comments/{authors_comment.pk}/vote/")
    page = client.get(url).content.decode()
    assert re.search(r'class="comment-vote" aria-pressed="true">추천 <strong>2</strong>', page)

    client.post(f"{url}vote/", {"value": "down"})  # the same again cancels
    client.post(f"/comments/{authors_comment.pk}/vote/")
    page = client.get(url).content.decode()
    assert 'aria-pressed="true"' not in page


@pytest.mark.parametrize("vote", ["post", "comment"])
def test_votes_read_before_a_vote_committed_are_never_shown_after_it(vote, article, alice, bora, author):
    """A page of bora's read their votes from the rows just before their vote committed and
    kept them just after it: the next page must not show the vote unpressed."""
    authors_comment = Comment.objects.get(post=article, author=author)
    services.vote_comment(user=alice, comment=authors_comment)
    services.cast_vote(user=alice, post=article, value=PostVote.UP)
    url = article.get_absolute_url()
    client = member_client(bora)
    shared_page(member_client(alice), url)
    client.get(url)
    key = invalidation.member_votes_key(bora.pk, article.pk)
    read_before = cache.get(key)
    assert read_before is not None and read_before[1] == (None, set())

    if vote == "post":
        services.cast_vote(user=bora, post=article, value=PostVote.UP)
    else:
        services.vote_comment(user=bora, comment=authors_comment)
    cache.set(key, read_before)  # the late write of the page that read before the commit

    page = client.get(url).content.decode()
    if vote == "post":
        assert re.search(r'vote-up" aria-pressed="true">추천 <strong data-count="up">2</strong>', page)
    else:
        assert re.search(r'class="comment-vote" aria-pressed="true">추천 <strong>2</strong>', page)


def without_tokens(response):
    """A page's HTML with each response's own CSRF token and submission keys taken out."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)
    html = re.sub(r'name="submission_key" value="[^"]+"', "KEY", html)
    return re.sub(r"(<strong>)?\d+(</strong>)? 조회", "VIEWS", html)  # every request counts one


def test_a_prepared_page_fills_each_member_as_filling_every_slot_did(
    article, make_comment, make_user, author, alice, bora, monkeypatch
):
    """A page is stored with every comment's slots filled as most members see them
    (memberslots.prepare); each member's fill rewrites only their own comments and those
    they 추천ed, and must give what filling every slot gives."""
    first = Comment.objects.filter(post=article).order_by("pk").first()
    make_comment(article, body="보라의 답글", author=bora, parent=first)
    carol = make_user("carol", nickname="캐럴")
    make_comment(article, body="캐럴의 댓글", author=carol)
    theirs = Comment.objects.filter(post=article).exclude(author=bora)
    for comment in theirs:
        services.vote_comment(user=bora, comment=comment)
    services.vote_comment(user=alice, comment=Comment.objects.get(body="보라의 답글"))
    url = article.get_absolute_url()
    members = {"author": author, "alice": alice, "bora": bora, "carol": carol}

    prepared = {name: without_tokens(shared_page(member_client(user), url)) for name, user in members.items()}
    cache.clear()
    monkeypatch.setattr(memberslots, "prepare", lambda response: None)
    member_client(carol).get(url)  # the versions start again: this page is not stored
    every_slot = {name: without_tokens(shared_page(member_client(user), url)) for name, user in members.items()}

    assert prepared == every_slot
    assert 'aria-pressed="true"' not in prepared["carol"]
    assert prepared["bora"].count('aria-pressed="true"') == theirs.count()
    own_reply = comment_controls(prepared["bora"], "보라의 답글")
    assert "삭제" in own_reply and "신고" not in own_reply
    assert "신고" in comment_controls(prepared["carol"], "보라의 답글")


def test_a_members_page_is_read_with_their_session_in_one_round_trip(article, bora, monkeypatch):
    client = member_client(bora)
    shared_page(client, "/b/ainews/")
    reads, inside = [], []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if not inside:  # a backend's get_many may ask get for each key
            reads.append([key])
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(1)
        try:
            return real_get_many(keys)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)

    response = client.get("/b/ainews/")

    assert response["X-Page-Cache"] == "hit" and "<strong>보라</strong>님" in response.content.decode()
    (read,) = [keys for keys in reads if any("sessions" in key for key in keys)]
    assert any(key.startswith(pagecache.MEMBER_PAGE_KEY_PREFIX) for key in read)  # with the page


def test_votes_read_with_the_page_for_the_wrong_member_are_never_shown(article, alice, bora):
    """The page's lookup reads the kept votes of the member this process last saw with the
    session (a hint); a wrong hint must not show that member's votes to another."""
    url = article.get_absolute_url()
    services.cast_vote(user=alice, post=article, value=PostVote.UP)
    as_alice, as_bora = member_client(alice), member_client(bora)
    shared_page(as_alice, url)
    assert re.search(r'vote-up" aria-pressed="true">', as_alice.get(url).content.decode())
    pagecache._member_of_session[as_bora.session.session_key] = alice.pk  # a wrong hint

    page = as_bora.get(url).content.decode()

    assert "<strong>보라</strong>님" in page
    assert re.search(r'vote-up" aria-pressed="false">', page)
    assert pagecache._member_of_session[as_bora.session.session_key] == bora.pk
