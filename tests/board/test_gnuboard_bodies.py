"""Gnuboard5 bodies → our Markdown (board/gnuboard/bodies.py, pipeline.py) and the import's
pure rules (transforms.py, files.py). No MariaDB needed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from board import markup
from board.gnuboard import bodies, transforms
from board.gnuboard.files import Files, data_path
from board.gnuboard.pipeline import HTML, HTML_WITH_BREAKS, TEXT, body_format, convert_comment, convert_post
from board.markup import COMMENT_TAGS, POST_TAGS
from tests.board.test_xss import problems
from tests.board.xss_corpus import SCHEMES, corpus

KST = ZoneInfo("Asia/Seoul")


def post_html(content, kind=HTML, image_urls=None):
    markdown, html, _excerpt, changes, *_ = convert_post((kind, content, image_urls or {}, [], "제목"))
    return markdown, html, changes


@pytest.mark.parametrize("payload", corpus())
@pytest.mark.parametrize("kind", [HTML, HTML_WITH_BREAKS, TEXT])
def test_no_payload_survives_the_conversion(payload, kind):
    markdown, html, _ = post_html(payload, kind)
    assert problems(html, POST_TAGS) == [], (markdown, html)
    comment_markdown, comment_html, *_ = convert_comment((kind, payload))
    assert problems(comment_html, COMMENT_TAGS) == [], (comment_markdown, comment_html)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_links_and_pictures_with_active_schemes_lose_them(scheme):
    markdown, html, changes = post_html(f'<p><a href="{scheme}">링크</a> <img src="{scheme}" alt="그림"></p>')
    assert problems(html, POST_TAGS) == [], html
    assert "링크" in html and "<img" not in html


def test_formatting_becomes_markdown():
    html = """<h1>큰 제목</h1><p>보통 <b>굵게</b> <strong>강하게</strong> <i>기울임</i> <strike>취소</strike></p>
    <ul><li>하나</li><li>둘</li></ul><ol><li>첫째</li><li>둘째</li></ol>
    <blockquote>인용문</blockquote><pre><code>x = 1
    y = 2</code></pre><p><a href="https://example.com/a_(b)">괄호 링크</a></p><hr>"""
    markdown, rendered, changes = post_html(html)
    assert "# 큰 제목" in markdown and "**굵게**" in markdown and "*기울임*" in markdown
    assert "<h2>큰 제목</h2>" in rendered  # our headings start at h2
    assert "<strong>굵게</strong>" in rendered and "<em>기울임</em>" in rendered and "<del>취소</del>" in rendered
    assert "<li>하나</li>" in rendered and "<ol>" in rendered and "<blockquote>" in rendered
    assert "<pre><code>x = 1" in rendered and "<hr>" in rendered
    assert 'href="https://example.com/a_%28b%29"' in rendered
    assert changes == set()


def test_text_that_looks_like_markup_stays_text():
    markdown, rendered, _ = post_html(
        "<p># 해시 *별* _밑줄_ [대괄호](x) &lt;b&gt;굵게 아님&lt;/b&gt; 1. 하나 a &amp; b</p>"
    )
    assert "<h1" not in rendered and "<em>" not in rendered and "<a " not in rendered
    assert "# 해시 *별* _밑줄_ [대괄호](x) &lt;b&gt;굵게 아님&lt;/b&gt; 1. 하나 a &amp; b" in rendered


def test_html1_turns_line_ends_into_breaks_and_html2_does_not():
    assert "첫째<br>" in post_html("첫째\n둘째", HTML_WITH_BREAKS)[1]
    assert "<br>" not in post_html("첫째\n둘째", HTML)[1]


def test_plain_text_keeps_lines_characters_and_links():
    text = (
        "첫째 줄\n    들여 쓴 줄\n\n\n\n# 해시로 시작\n- 대시로 시작\n> 꺾쇠로 시작\n===\nhttps://example.com/a_b 링크"
    )
    markdown, rendered, changes = post_html(text, TEXT)
    assert changes == set()
    assert (
        "<pre>" not in rendered and "<h1" not in rendered and "<ul>" not in rendered and "<blockquote>" not in rendered
    )
    for line in ["첫째 줄<br>", "들여 쓴 줄", "# 해시로 시작<br>", "- 대시로 시작<br>", "&gt; 꺾쇠로 시작<br>"]:
        assert line in rendered, rendered
    assert '<a href="https://example.com/a_b" rel="nofollow ugc noopener">' in rendered
    assert markup.excerpt_from_html(rendered, 200).startswith("첫째 줄 들여 쓴 줄")


def test_active_content_is_removed_and_counted_by_kind():
    html = """<script>steal()</script><style>p{}</style><p onclick="x()" style="color:red">글</p>
    <a href="javascript:x()">링크</a><iframe src="https://www.youtube.com/embed/v"></iframe>
    <iframe src="http://insecure.example/x"></iframe><form><input name="q"></form>
    <img src="http://plain.example/a.png" alt="대체 글">"""
    markdown, rendered, changes = post_html(html)
    assert changes == {"script", "style", "event", "url", "embed", "form", "image"}
    assert "steal" not in markdown and "p{}" not in markdown and "insecure" not in markdown
    assert '<a href="https://www.youtube.com/embed/v"' in rendered  # https frames become links
    assert "대체 글" in rendered  # a picture that may not be shown leaves its alt text


def test_pictures_point_at_their_copies_or_go():
    html = '<p><img src="http://old.example/data/editor/2301/a.jpg" alt="있음"><img src="/data/editor/2301/b.jpg"></p>'
    copy = "/media/posts/2026/01/0123456789abcdef.jpg"  # named as stored pictures are
    urls = {"http://old.example/data/editor/2301/a.jpg": copy, "/data/editor/2301/b.jpg": ""}
    markdown, rendered, changes = post_html(html, HTML, urls)
    assert '<img alt="있음" src="/media/posts/2026/01/0123456789abcdef.jpg">' in rendered
    assert "b.jpg" not in markdown and changes == {"missing_image"}


def test_attachments_are_shown_above_the_text():
    picture = "/media/posts/2026/01/fedcba9876543210.png"
    markdown, *_ = convert_post((TEXT, "본문", {}, [("사진 (1).png", picture)], "제목"))
    assert markdown == f"![사진 (1).png]({picture})\n\n본문"


def test_tables_stay_tables():
    html = (
        '<table border="1"><tr><th colspan="2">머리</th></tr>'
        '<tr><td onclick="x()">칸</td><td><p>문단</p></td></tr></table>'
    )
    markdown, rendered, _ = post_html(html)
    assert "<th>머리</th>" in rendered and "<td>칸</td>" in rendered and "<td><p>문단</p></td>" in rendered
    assert "onclick" not in markdown and "colspan" not in markdown


def test_comments_get_the_comment_allow_list():
    _, html, changes, grams = convert_comment((HTML, '<h1>제목</h1><img src="https://example.com/a.png">댓글'))
    assert "<img" not in html and "<h" not in html and "댓글" in html
    assert "댓글" in grams


def test_body_format_follows_wr_option():
    assert body_format("html1,secret") == HTML_WITH_BREAKS
    assert body_format({"html2"}) == HTML
    assert body_format("secret,mail") == TEXT and body_format("") == TEXT


def test_control_characters_and_nul_are_dropped():
    assert bodies.clean_text("a\x00b\x07c\r\nd\re") == "abc\nd\ne"


# --- transforms -------------------------------------------------------------------------------


def test_kst_reads_gnuboard_dates():
    assert transforms.kst(datetime(2023, 1, 2, 9, 30)) == datetime(2023, 1, 2, 9, 30, tzinfo=KST)
    assert transforms.kst("2023-01-02 09:30:00") == datetime(2023, 1, 2, 9, 30, tzinfo=KST)
    assert transforms.kst("20220505") == datetime(2022, 5, 5, tzinfo=KST)
    for empty in ["0000-00-00 00:00:00", "0000-00-00", "", None, "00000000", "garbage"]:
        assert transforms.kst(empty) is None


def test_missing_dates_take_the_one_before_or_else_after():
    a, b = datetime(2020, 1, 1), datetime(2021, 1, 1)
    assert transforms.fill_missing([None, a, None, None, b, None]) == ([a, a, a, a, b, b], 4)
    assert transforms.fill_missing([None, None]) == ([None, None], 2)


def test_unique_names_keep_the_first_and_number_the_rest():
    names = transforms.UniqueNames(["Alice"], 6)
    assert [names.claim(n) for n in ["alice", "ALICE", "bob", "가나다라마바사"]] == [
        "alice2",
        "ALICE3",
        "bob",
        "가나다라마바",
    ]
    assert names.claim("가나다라마바") == "가나다라마2"
    nicknames = transforms.UniqueNames([], 20)
    assert [nicknames.claim("주원830"), nicknames.claim("주원830")] == ["주원830", "주원830_2"]


def test_nearest_kept_ancestor():
    index = {("t", ""): 1, ("t", "A"): 2, ("t", "AA"): 3, ("t", "AAA"): 4}
    assert transforms.nearest(index, "t", "AAAA", {1: "one", 2: "two", 4: "four"}) == "four"
    assert transforms.nearest(index, "t", "AAA", {1: "one", 2: "two"}) == "two"
    assert transforms.nearest(index, "t", "AAA", {}) is None


def test_board_settings_are_clamped_to_ours():
    fields = transforms.board_fields({"bo_table": "x", "bo_subject": "", "bo_page_rows": 500, "bo_order": -3})
    assert (fields["name"], fields["page_size"], fields["position"]) == ("x", 100, 0)


def test_source_url_only_takes_web_addresses():
    assert transforms.source_url(" https://a.example/x ") == "https://a.example/x"
    assert transforms.source_url("javascript:alert(1)") == "" and transforms.source_url("a.example") == ""


def test_data_paths_never_leave_the_data_folder(tmp_path, db):
    data = tmp_path / "data"
    (data / "editor" / "2301").mkdir(parents=True)
    (data / "editor" / "2301" / "a.jpg").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("no")
    files = Files(data)
    assert files.locate("editor/2301/a.jpg") == data.resolve() / "editor" / "2301" / "a.jpg"
    for bad in ["editor/../../secret.txt", "../secret.txt", "editor//a.jpg", "/etc/passwd", "editor/2301/nope.jpg"]:
        assert files.locate(bad) is None
    assert data_path("https://old.example/g5/data/editor/2301/a%20b.jpg?x=1") == "editor/2301/a b.jpg"
    assert data_path("/data/file/free/x.png") == "file/free/x.png"
    assert data_path("https://cdn.example/img/x.png") is None
