"""The admin's framework list at 1280 px: every column visible, no status wrapping a character
per line, in both languages."""

import pytest
from django.contrib.auth import get_user_model

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
