"""The admin's framework list at 1280 px: every column visible, no status wrapping a character
per line, in both languages; the framework filter of the reviews finds frameworks by name."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.models import Framework
from reviews.models import Review
from tests.browser.test_security import RECORD_VIOLATIONS
from tests.factories import CuratorFactory, ReviewFactory

PASSWORD = "a-Long-enough-passw0rd"


@pytest.mark.parametrize(("locale", "language"), [("en-US", "en"), ("zh-CN", "zh-hans")])
def test_framework_list_fits_1280_pixels_in_both_languages(new_page, seeded, locale, language):
    get_user_model().objects.create_superuser("boss", "boss@example.org", PASSWORD)
    page = new_page(locale=locale, language=language)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/admin/login/?next=/admin/catalog/framework/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/catalog/framework/")

    fits = page.evaluate(
        """() => {
          const table = document.querySelector('#result_list');
          const box = table.closest('.results');
          const page = document.documentElement.scrollWidth;
          return {table: table.scrollWidth, box: box.clientWidth, page: page};
        }"""
    )
    assert fits["table"] <= fits["box"], fits
    assert fits["page"] <= 1280, fits
    heights = page.evaluate(
        """() => [...document.querySelectorAll('#result_list td.field-status')]
                 .map(td => td.getBoundingClientRect().height)"""
    )
    line = page.evaluate(
        "() => document.querySelector('#result_list td.field-upvotes').offsetHeight"
    )
    # A status may wrap between words, never a character per line.
    assert heights and max(heights) <= 2 * line + 1, (heights, line)


def test_a_curator_filters_reviews_by_a_framework_picked_by_name(new_page, seeded):
    flask, django = Framework.objects.get(slug="flask"), Framework.objects.get(slug="django")
    ReviewFactory(framework=flask, title="About Flask")
    ReviewFactory(framework=django, title="About Django")
    curator = CuratorFactory(username="carol")
    curator.set_password(PASSWORD)
    curator.save()
    page = new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto("/admin/login/?next=/admin/reviews/review/")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/reviews/review/")

    page.locator(".autocomplete-filter .select2-selection").click()
    page.keyboard.type("Djan")
    page.get_by_role("option", name="Django", exact=True).click()

    page.wait_for_url(re.compile(rf"\?framework={django.pk}$"))
    expect(page.locator("#result_list tbody tr")).to_have_count(
        Review.objects.filter(framework=django).count()
    )
    expect(page.locator("#result_list")).to_contain_text("About Django")
    expect(page.locator("#result_list")).not_to_contain_text("About Flask")

    page.locator(".autocomplete-filter .select2-selection__clear").click()
    page.wait_for_url(re.compile(r"/admin/reviews/review/\??$"))
    expect(page.locator("#result_list")).to_contain_text("About Flask")
    assert page.evaluate("window.cspViolations") == []
    assert [error for error in errors if "Content Security Policy" in error] == []
