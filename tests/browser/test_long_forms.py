"""A long form on a 390 px phone (issue 14, points 2 and 6): the languages are a searchable field, so the form
stays short; a refused form opens on its error summary, whose links lead to the fields; a few minutes before
an idle session ends, a warning offers to stay signed in (a script file, under the pages' CSP)."""
from datetime import timedelta

from test_modeler import server  # noqa: F401 (server: fixture; the module skips without chromium)
from test_phone_layout import PHONE, overflow, phone, signed_in  # noqa: F401 (phone: fixture)


def in_view(page, selector):
    return page.evaluate("""selector => { const box = document.querySelector(selector).getBoundingClientRect();
                                          return box.bottom > 0 && box.top < window.innerHeight; }""", selector)


def test_a_refused_long_form_on_a_phone(app, server, phone):  # noqa: F811 (fixtures)
    app.config["IDLE_TIMEOUT"] = timedelta(seconds=304)  # the warning (5 minutes before) comes after 4 s
    dcim = signed_in(phone, server, "dcim")
    errors = []
    dcim.on("pageerror", lambda error: errors.append(str(error)))
    dcim.on("console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text
            else None)
    dcim.goto(f"{server}/processes/offre_internationale/start")
    dcim.fill("#business_key", "OFF-PHONE-1")
    dcim.click("main button[type=submit]")
    dcim.wait_for_url("**/tasks/*")

    languages = dcim.locator("#field-langues_requises")
    assert languages.locator("input[type=checkbox]").count() == 0
    assert languages.bounding_box()["height"] < 400  # four fields, not 198 boxes
    assert dcim.locator("#field-langues_requises-list option[value='Bambara (bamanankan)']").count() == 1
    dcim.fill("#field-langues_requises-1", "bambara (bamanankan)")
    dcim.fill("#field-langues_requises-2", "Klingon")
    dcim.fill("#field-nombre_postes", "0")
    dcim.click("form.task-form button[type=submit]")
    dcim.wait_for_load_state()

    assert dcim.evaluate("document.activeElement.id") == "error-summary"
    assert in_view(dcim, "#error-summary")
    # Only the entry that matches nothing is in error, and the summary leads to it.
    link = dcim.locator("#error-summary a[href='#field-langues_requises-2']")
    assert "« Klingon » ne correspond à aucune valeur de la liste" in link.inner_text()
    link.click()
    assert dcim.evaluate("location.hash") == "#field-langues_requises-2" and in_view(dcim, "#field-langues_requises-2")
    assert dcim.input_value("#field-langues_requises-1") == "Bambara (bamanankan)"
    assert dcim.input_value("#field-langues_requises-2") == "Klingon"
    assert overflow(dcim) == 0

    warning = dcim.locator(".session-warning")
    warning.wait_for(timeout=10000)
    assert "sans activité" in warning.inner_text()
    assert dcim.evaluate("document.body.classList.contains('session-warned')")  # room so it hides no field
    warning.locator("button").click()
    warning.wait_for(state="detached", timeout=5000)
    assert errors == []
