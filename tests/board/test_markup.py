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


def test_image_placeholders_are_replaced_in_place_or_appended():
    body = markup.place_images("앞 [이미지2] 뒤 [이미지9]", [("a.png", "/media/a.png"), ("b].png", "/media/b.png")])

    assert body == "앞 ![b .png](/media/b.png) 뒤 [이미지9]\n\n![a.png](/media/a.png)"
