"""The statistics pages: managers only, charts, CSV that matches the page."""
import html

from conftest import DCIM, csrf_token, login

from engine.runtime import instances, tasks
from tests.engine import offer_data
from web import statistics as statistics_pages


def _start_offer(client, reference):
    page = client.get("/processes/offre_internationale/start").get_data(as_text=True)
    token = csrf_token(page)
    return client.post("/processes/offre_internationale/start", data={"csrf_token": token,
                                                                         "business_key": reference})


def test_a_manager_reads_charts_and_exports_csv(client, app):
    login(client, "dcim")
    _start_offer(client, "OFF-STAT-1")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    login(client, "direction")

    page = client.get("/statistiques/").get_data(as_text=True)
    assert "Offres reçues" in page and "<svg" in page
    assert "Temps passé à chaque étape" in page
    assert "Candidats accompagnés (services aux candidats)" in page and "Départs annulés, par cause" in page
    assert client.get("/statistiques/departs_annules.csv?par=categorie").get_data(as_text=True) \
        .startswith("\ufeffCatégorie ou étape;Départs annulés, par cause")
    csv = client.get("/statistiques/offres_recues.csv?par=pays")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffPays;Offres reçues")
    assert text.splitlines()[1] == ";1"  # the offer has no place of work yet: "non renseigné"


def test_counsellors_do_not_read_statistics(client):
    login(client, "conseiller-bamako")
    assert client.get("/statistiques/").status_code == 403
    assert client.get("/statistiques/offres_recues.csv").status_code == 403
    assert "Statistiques" not in client.get("/").get_data(as_text=True)


def test_indicator_titles_are_translated(client):
    login(client, "direction")
    english = client.get("/statistiques/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Offers received" in english and "Returning migrants" in english
    assert "Offres reçues" not in english
    for title in ("Candidates supported (services to candidates)", "Cancelled departures, by cause",
                  "Arrivals confirmed in the host country", "Returning migrants, by date of return to Mali"):
        assert title in english
    csv = client.get("/statistiques/retours.csv", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert csv.startswith("\ufeffTotal;Returning migrants")



def test_csv_exports_never_hand_a_spreadsheet_a_formula(client, deployed):
    """A value typed into a form that a spreadsheet would run (= + - @) is written as text."""
    offer = instances.start_instance(deployed, DCIM, "offre_internationale", "OFF-CSV-1")
    [task] = [t for t in tasks.list_open_tasks(deployed, DCIM) if t["instance_id"] == offer["id"]]
    tasks.complete_task(deployed, DCIM, task["id"], {**offer_data.enregistrer_saisonnier_espagne(),
                                                     "metier": '=HYPERLINK("http://exemple.invalid";"x")'})
    login(client, "direction")
    lines = client.get("/statistiques/offres_recues.csv?par=metier").get_data(as_text=True).splitlines()
    assert '"\'=HYPERLINK(""http://exemple.invalid"";""x"")";1' in lines


def test_the_region_filter_is_a_list_of_the_regions_and_tables_name_them(client, app):
    from test_pages import page as read_page
    login(client, "direction")
    shown = read_page(client, "/statistiques/")
    regions = shown.options("region")
    assert "kayes" in regions and "bamako" in regions
    assert '<option value="kayes" >Kayes</option>' in client.get("/statistiques/").get_data(as_text=True)
    chosen = client.get("/statistiques/?region=kayes&par=region").get_data(as_text=True)
    assert '<option value="kayes" selected>Kayes</option>' in chosen
    assert 'name="region" value=' not in chosen  # no free text to mistype


def test_rows_are_named_in_words_not_codes(app, deployed):
    with app.test_request_context("/statistiques/"):
        name = statistics_pages._row_labels
        assert [name("sexe")(code) for code in ("F", "M")] == ["Femmes", "Hommes"]
        assert name("categorie")("preselectionne") == "présélectionné"  # a stage the engine writes
        assert name("categorie")("entreprise_creee") == "Entreprise créée (installation à son propre compte)"
        assert name("categorie")("Recrutement suspendu") == "Recrutement suspendu"  # a reason as typed
        # The information sessions' themes and kinds, as their forms title them.
        assert name("categorie")("voies_migration_legale") == "Voies de migration légale (§8.2.4)"
        assert name("pays")("SN") == "Sénégal"
        assert name("mois")("2026-01") == "janvier 2026"
        assert name(None)("total") == "Total"
        # An indicator without countries or regions, broken down by them: its one row, the total.
        assert name("pays")("total") == name("region")("total") == "Total"


def test_filters_that_mean_nothing_are_said_or_left_out(client):
    login(client, "direction")
    page = client.get("/statistiques/?du=2026-13-45&par=nope").get_data(as_text=True)
    assert "« Du » : 2026-13-45 n&#39;est pas une date (AAAA-MM-JJ) ; ce filtre est ignoré." in page
    assert "None" not in page  # an unknown breakdown is no breakdown
    assert client.get("/statistiques/nope.csv").status_code == 404
    crossed = html.unescape(client.get("/statistiques/?du=2026-12-31&au=2026-01-01").get_data(as_text=True))
    assert "« Du » (31/12/2026) est après « Au » (01/01/2026)" in crossed and "Inversez les deux dates." in crossed
