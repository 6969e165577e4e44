import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from reviews.models import Review
from tests.browser.conftest import sign_up

CURATOR_PASSWORD = "curator-Passw0rd-long"


def mark_page(page):
    """Set a marker that only survives while the document is not reloaded or navigated."""
    page.evaluate("window.notReloaded = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.notReloaded === true"), "the page reloaded or navigated"


def write_review(page, rating, title, body):
    page.check(f"input[name=rating][value='{rating}']")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", body)
    page.locator("form.review-form button[type=submit]").click()


def admin_action(page, review, action):
    page.goto("/admin/reviews/review/")
    page.check(f"input[name=_selected_action][value='{review.pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").first.click()


def feed_text(page):
    return page.request.get("/feeds/reviews/").text()


def test_write_edit_mark_helpful_report_hide_and_restore_a_review(page, new_page, seeded):
    # Alice writes a review of Flask, sees it, then edits it.
    sign_up(page, "alice")
    page.goto("/frameworks/flask/")
    page.get_by_role("link", name="Write a review").click()
    expect(page).to_have_url(re.compile(r"/frameworks/flask/review/$"))
    write_review(page, 4, "Small and sharp", "Routing is **simple**.\n\n<script>alert(1)</script>")
    expect(page).to_have_url(re.compile(r"/frameworks/flask/#review-\d+$"))
    expect(page.locator(".messages")).to_contain_text("Your review of Flask is saved.")
    review = Review.objects.get(user__username="alice")
    card = page.locator(f"#review-{review.pk}")
    expect(card.locator(".review-title")).to_have_text("Small and sharp")
    expect(card.locator(".review-body strong")).to_have_text("simple")
    expect(card.locator(".review-body")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("[data-role=review-count]")).to_have_text("1")

    page.get_by_role("link", name="Edit your review").click()
    expect(page.locator("input[name=title]")).to_have_value("Small and sharp")
    write_review(page, 5, "Small, sharp and fast", "Routing is **simple**.")
    expect(card.locator(".review-title")).to_have_text("Small, sharp and fast")
    expect(page.locator("[data-role=average]")).to_have_text("5.0")
    assert Review.objects.count() == 1

    # Bob marks it helpful (in place) and reports it.
    bob = new_page()
    sign_up(bob, "bob")
    bob.goto("/frameworks/flask/")
    bob_card = bob.locator(f"#review-{review.pk}")
    mark_page(bob)
    bob_card.locator("button.helpful-button").click()
    expect(bob_card.locator("[data-role=helpful-count]")).to_have_text("1")
    expect(bob_card.locator("button.helpful-button")).to_have_attribute("aria-pressed", "true")
    assert_not_reloaded(bob)

    bob_card.get_by_role("link", name="Report").click()
    bob.check("input[name=reason][value='spam']")
    bob.locator("form.report-form button[type=submit]").click()
    expect(bob.locator(".messages")).to_contain_text("Your report has been received.")

    # A curator hides it in the admin, with a public reason.
    get_user_model().objects.create_superuser("curator", password=CURATOR_PASSWORD)
    curator = new_page()
    curator.goto("/admin/login/")
    curator.fill("input[name=username]", "curator")
    curator.fill("input[name=password]", CURATOR_PASSWORD)
    curator.locator("input[type=submit]").click()
    curator.goto("/admin/reviews/review/")
    expect(curator.locator("#result_list tbody tr").first).to_contain_text("Small, sharp and fast")
    admin_action(curator, review, "hide_reviews")
    curator.fill("input[name=reason]", "Advertising")
    curator.locator("input[type=submit][value='Hide them']").click()
    expect(curator.locator(".messagelist")).to_contain_text("1 review hidden.")

    page.goto("/frameworks/flask/")
    expect(page.locator(f"#review-{review.pk}")).to_have_count(0)
    expect(page.locator("[data-role=my-review-hidden]")).to_be_visible()
    bob.goto("/frameworks/flask/")
    expect(bob.locator(f"#review-{review.pk}")).to_have_count(0)
    assert "Small, sharp and fast" not in feed_text(bob)
    bob.goto("/moderation/")
    expect(bob.locator(".moderation-log")).to_contain_text("Advertising")

    # ... and restores it: back intact, with Bob's helpful mark.
    admin_action(curator, review, "restore_reviews")
    expect(curator.locator(".messagelist")).to_contain_text("1 review restored.")
    bob.goto("/frameworks/flask/")
    expect(bob_card.locator(".review-title")).to_have_text("Small, sharp and fast")
    expect(bob_card.locator("[data-role=helpful-count]")).to_have_text("1")
    assert "Small, sharp and fast" in feed_text(bob)


def test_a_form_with_errors_opens_on_its_summary_and_the_stars_rise_with_the_arrow_key(
    page, seeded
):
    sign_up(page, "dora")
    page.goto("/frameworks/flask/review/")
    page.fill("textarea[name=body]", "Typed before the mistake.")
    page.locator("form.review-form button[type=submit]").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your rating: Choose from 1 to 5 stars.")
    expect(page.locator("textarea[name=body]")).to_have_value("Typed before the mistake.")
    summary.get_by_role("link", name="Your rating: Choose from 1 to 5 stars.").click()
    first_star = page.locator("#id_rating_0")
    expect(first_star).to_have_attribute("aria-describedby", "id_rating_error")

    first_star.check()
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=rating]:checked")).to_have_value("2")
