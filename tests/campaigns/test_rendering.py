from campaigns.rendering import markdown_to_html
from campaigns.templatetags.campaigns_tags import phone_display, tel_href


def test_markdown_renders_emphasis_lists_and_links_with_nofollow():
    html = markdown_to_html("Some **bold** words\n\n- one\n- two\n\n[DOJ](https://www.justice.gov/contact-us)")
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://www.justice.gov/contact-us" rel="nofollow noopener">DOJ</a>' in html


def test_a_script_tag_an_author_types_is_shown_as_text_never_run():
    html = markdown_to_html("Hello <script>alert('x')</script> and <img src=x onerror=alert(1)>")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_removed_in_any_spelling():
    for link in ("[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[c](data:text/html,x)"):
        html = markdown_to_html(link)
        assert "href" not in html, link


def test_raw_html_links_with_javascript_are_not_rendered_as_links():
    html = markdown_to_html('<a href="javascript:alert(1)">x</a> <iframe src="https://evil.example"></iframe>')
    assert "<a " not in html
    assert "<iframe" not in html


def test_markdown_links_to_plain_urls_keep_their_target_and_title():
    html = markdown_to_html('[memo](https://example.org/memo "The memo")')
    assert 'href="https://example.org/memo"' in html
    assert 'title="The memo"' in html


def test_empty_background_renders_nothing():
    assert markdown_to_html("") == ""


def test_phone_numbers_show_as_us_readers_expect_and_dial_in_e164():
    assert phone_display("+15737513321") == "573-751-3321"
    assert tel_href("(573) 751-3321") == "+15737513321"
    assert phone_display("not a phone") == "not a phone"
