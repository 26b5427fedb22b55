import re

import pytest

from board import markup
from board.models import Comment, Post


@pytest.fixture
def member_client(client, make_user):
    client.force_login(make_user())
    return client


def publish(member_client, body):
    response = member_client.post("/b/ainews/write/", {"title": "마크다운 시험", "body": body, "tags_text": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    post = Post.objects.latest("id")
    page = member_client.get(post.get_absolute_url()).content.decode()
    body_html = re.search(r'<div class="prose">(.*?)</div>\s*</section>', page, re.S).group(1)
    return post, body_html


@pytest.mark.parametrize(
    "body, forbidden",
    [
        ("<script>alert('xss')</script>안녕", "<script"),
        ('<img src="https://example.com/a.png" onerror="alert(1)">', "onerror"),
        ('<a href="#" onclick="alert(1)">클릭</a>', "onclick"),
        ("[누르기](javascript:alert(1))", "javascript:"),
        ("[누르기](JaVaScRiPt:alert(1))", "avascript"),
        ("[누르기](java&#x09;script:alert(1))", "script:"),
        ("[ref]\n\n[ref]: javascript:alert(1)", "javascript:"),
        ("<javascript:alert(1)>", "javascript:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
        ("![x](http://plain-http.example/a.png)", "http://plain-http"),
        ("![x](https://testserver/search/?q=%EA%B4%91%EA%B3%A0)", "testserver/search"),
        ('<div style="background:url(javascript:alert(1))">스타일</div>', "style="),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<form><button formaction="javascript:alert(1)">x</button></form>', "formaction"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta"),
        ('<base href="https://evil.example/">', "<base"),
    ],
)
def test_dangerous_markup_is_removed_from_stored_and_served_html(member_client, board, body, forbidden):
    post, served = publish(member_client, body)

    assert forbidden.lower() not in post.body_html.lower()
    assert forbidden.lower() not in served.lower()


def test_allowed_markdown_survives(member_client, board):
    body = "\n".join(
        [
            "# 큰 제목",
            "",
            "## 소제목",
            "",
            "**굵게** *기울임* ~~취소~~ `코드`",
            "",
            "> 인용문",
            "",
            "- 하나",
            "- 둘",
            "",
            "1. 첫째",
            "",
            "```python",
            "print('안녕')",
            "```",
            "",
            "| 모델 | 점수 |",
            "|---|---|",
            "| R1 | 79.8 |",
            "",
            "[원문](https://www.nature.com/articles/x) 그리고 https://example.com/news",
            "",
            "![그림](https://example.com/a.png)",
            "",
            "첫 줄",
            "둘째 줄",
        ]
    )

    _, served = publish(member_client, body)

    assert "<h2>큰 제목</h2>" in served  # the article title is the page's h1
    assert "<h2>소제목</h2>" in served
    assert "<strong>굵게</strong>" in served and "<em>기울임</em>" in served
    assert "<blockquote>" in served and "<ul>" in served and "<ol>" in served
    assert '<pre><code class="language-python">' in served
    assert "<table>" in served and "<td>79.8</td>" in served
    assert '<a href="https://www.nature.com/articles/x" rel="nofollow ugc noopener">원문</a>' in served
    assert '<a href="https://example.com/news" rel="nofollow ugc noopener">https://example.com/news</a>' in served
    assert '<img alt="그림" src="https://example.com/a.png">' in served
    assert "첫 줄<br>" in served  # line breaks kept as Korean writers expect


def test_mailto_links_are_kept(member_client, board):
    _, served = publish(member_client, "[메일](mailto:news@example.com)")

    assert 'href="mailto:news@example.com"' in served


def test_comments_use_the_same_pipeline_without_headings_or_images(client, make_user, make_post):
    post = make_post()
    client.force_login(make_user())

    client.post(
        f"/b/ainews/{post.pk}/comments/",
        {"body": "## 제목\n\n![그림](https://example.com/a.png) <script>x</script> [링크](javascript:x) **굵게**"},
    )

    html = Comment.objects.get().body_html
    assert "<h2" not in html and "<img" not in html and "<script" not in html and "javascript:" not in html
    assert "<strong>굵게</strong>" in html


def test_excerpt_is_plain_text_of_about_120_characters():
    html = markup.render_post("## 제목\n\n" + "가나다 " * 60 + "\n\n<b>태그</b> &amp; 기호")

    excerpt = markup.excerpt_from_html(html, 120)

    assert "<" not in excerpt
    assert excerpt.startswith("제목 가나다")
    assert len(excerpt) == 121 and excerpt.endswith("…")


COMMENT_BODIES = [
    "짧은 댓글",
    "첫 문단\n\n둘째 문단이 이어집니다",
    "줄\n바꿈 <br> 그리고 **굵게** _기울임_ `코드 <b>` ~~취소~~",
    "- 하나\n- 둘\n\n> 인용문 &amp; 기호 &lt;태그&gt; &#50;&#xAC00; &nbsp;끝",
    "[링크](https://example.com/?a=1&b=2) https://example.org/x_y 와 <a href='javascript:x'>나쁜 링크</a>",
    "<script>alert(1)</script><style>p{}</style><!-- 주석 --> <img src=x onerror=y> 남은 글",
    "```\nprint('<코드>')\n```\n\n| 표 | 칸 |\n|---|---|\n| a | b |",
    "제어\x01문자\x7f와 공백   여럿\t\t탭 " + "긴 글 " * 40,
    "@보라 님, 확인 부탁드립니다 &amp;amp; 이중 이스케이프",
    "<p>태그로 쓴 <em>문단</em></p><div>블록</div>\n\n<h2>제목</h2>",
]


@pytest.mark.parametrize("body", COMMENT_BODIES)
def test_the_excerpt_of_stored_html_is_the_excerpt_bleach_gives(body):
    stored = markup.render_comment(body)

    assert markup.excerpt_from_stored_html(stored, 60) == markup.excerpt_from_html(stored, 60)
    assert markup.excerpt_from_stored_html(markup.render_post(body), 120) == markup.excerpt_from_html(
        markup.render_post(body), 120
    )


def test_image_placeholders_are_replaced_in_place_or_appended():
    body = markup.place_images("앞 [이미지2] 뒤 [이미지9]", [("a.png", "/media/a.png"), ("b].png", "/media/b.png")])

    assert body == "앞 ![b .png](/media/b.png) 뒤 [이미지9]\n\n![a.png](/media/a.png)"


# --- Pictures may not call this site (issue 18, point 2) ------------------------------------

STORED = "/media/posts/2025/01/0123456789abcdef.png"
# Every way of writing "a path on this site that is not a stored picture" that a browser or
# the server behind it would still resolve to /search/ (or another page of ours).
REFUSED_SRCS = {
    "dot segments": "/media/../search/?q=조작",
    "%2e": "/media/%2e%2e/search/?q=조작",
    "%2E": "/media/%2E%2E/search/?q=조작",
    "mixed case": "/media/%2e%2E/search/",
    "one dot escaped": "/media/.%2e/search/",
    "double encoding": "/media/%252e%252e/search/",
    "double encoding upper": "/media/%252E%252E/search/",
    "triple encoding": "/media/%25252e%25252e/search/",
    "%2f": "/media/..%2fsearch/?q=x",
    "%2F": "/media/..%2Fsearch/",
    "all escaped": "/media/%2e%2e%2f%73earch/",
    "double %2f": "/media/..%252fsearch/",
    "%5c": "/media/..%5csearch/",
    "%5C": "/media/..%5Csearch/",
    "backslash": "/media/..\\search/",
    "backslashes only": "\\media\\..\\search\\",
    "single dot": "/media/./search/",
    "single dot escaped": "/media/%2e/search/",
    "after a stored name": STORED + "/../../../../../search/",
    "stored name, query": STORED + "?q=/search/",
    "stored name, fragment": STORED + "#x",
    "stored name escaped": "/media/posts/2025/01/%30123456789abcdef.png",
    "stored name, double slash": "/media/posts/2025/01//0123456789abcdef.png",
    "not a stored file": "/media/search/",
    "static file": "/static/css/site.css",
    "another page": "/search/?q=x",
    "relative": "search/?q=x",
    "relative dot": "./search/",
    "protocol-relative": "//testserver/search/",
    "this host": "https://testserver/search/",
    "this host, capitals": "https://TESTSERVER/search/",
    "this host, trailing dot": "https://testserver./search/",
    "this host escaped": "https://%74estserver/search/",
    "this host, full-width": "https://ｔｅｓｔｓｅｒｖｅｒ/search/",
    "this host behind userinfo": "https://user@testserver/search/",
    "this host, backslashes": "https:\\\\testserver\\search/",
    "localhost": "https://localhost/search/",
    "loopback": "https://127.0.0.1/search/",
    "loopback as a number": "https://2130706433/search/",
    "loopback in hex": "https://0x7f.0.0.1/search/",
    "loopback short": "https://127.1/search/",
    "IPv6 loopback": "https://[::1]/search/",
    "IPv6 loopback long": "https://[0:0::1]/search/",
    "plain http": "http://example.com/a.png",
}


@pytest.mark.parametrize("src", REFUSED_SRCS.values(), ids=REFUSED_SRCS.keys())
def test_pictures_that_are_not_stored_files_or_other_https_hosts_lose_their_src(src):
    tag = markup.render_post(f'<img alt="x" src="{src}">')
    # (Markdown reads some backslashes as escapes and then makes no picture at all.)
    written = markup.render_post(f"![x]({src})")

    assert "<img" in tag and "src=" not in tag, tag
    assert "src=" not in written, written


def test_this_host_written_with_an_entity_is_refused():
    html = markup.render_post('<img src="https://test&#115;erver/search/"> <img src="/media/&#37;2e%2e/search/">')

    assert "src=" not in html


@pytest.mark.parametrize(
    "src",
    [
        STORED,
        "/media/thumbs/2025/01/0123456789abcdef.jpg",
        "/media/posts/2025/12/0123456789abcdef_AbC1234.webp",  # the storage's suffix for a taken name
        "https://example.com/a.png",
        "https://cdn.example.com/a.png?size=2&v=3",
        "https://testserver.example.com/a.png",
    ],
)
def test_stored_pictures_and_other_https_hosts_are_kept(src):
    html = markup.render_post(f"![x]({src})")

    assert f'src="{src.replace("&", "&amp;")}"' in html


def test_every_host_the_site_answers_to_is_refused(settings):
    settings.ALLOWED_HOSTS = [".example.org", "ainews.example"]

    for src in ["https://example.org/search/", "https://www.example.org/search/", "https://AINEWS.example./s/"]:
        assert "src=" not in markup.render_post(f"![x]({src})"), src
    assert "src=" in markup.render_post("![x](https://example.com/a.png)")


def test_the_issue_payload_is_stored_and_served_without_the_src(member_client, board):
    post, served = publish(member_client, "![x](/media/%2e%2e/search/?q=조작)")

    assert "search" not in post.body_html and "search" not in served
    assert '<img alt="x">' in served
