"""The demo data seen by a manager: an offer's chain over the API and its pages, statistics with departures."""
import re

from conftest import DIRECTION
from sqlalchemy import select

from engine import accounts
from engine.demo.files import create_demo_data
from engine.runtime import instances
from engine.store.tables import Departure


def _login(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": username, "password": f"demo-{username}", "csrf_token": token})


def test_a_manager_follows_the_demo_offer_to_its_departures(app, deployed, client):
    create_demo_data(deployed)
    [offer] = instances.list_instances(deployed, DIRECTION, process="offre_internationale",
                                       business_key="OFF-2026-019")
    headers = {"Authorization": f"Bearer {accounts.create_token(deployed, 'direction')}"}

    chain = client.get(f"/api/v1/instances/{offer['id']}", headers=headers).get_json()["related"]
    departures = [c for c in chain if c["process_key"] == "aide_au_depart"]
    assert len(departures) == 2 and all(c["business_key"].startswith("OFF-2026-019/") for c in departures)
    states = {client.get(f"/api/v1/instances/{c['id']}", headers=headers).get_json()["data"]["statut_depart"]
              for c in departures}
    assert states == {"parti", "contrat_a_corriger"}
    [left] = [c for c in departures if c["status"] == "completed"]
    history = client.get(f"/api/v1/instances/{left['id']}/history", headers=headers).get_json()
    assert "confirmer_arrivee" in [e["element_id"] for e in history if e["kind"] == "task_completed"]

    _login(client, "direction")
    page = client.get(f"/instances/{offer['id']}").get_data(as_text=True)
    assert all(c["business_key"] in page for c in departures)
    assert "« Enregistrer l&#39;offre d&#39;emploi »" in page  # the offer's own history, from its recording
    statistics = client.get("/statistiques/departs.csv?par=pays").get_data(as_text=True)
    assert statistics.splitlines()[1:] == ["Espagne;1"]  # countries by their name, not their code
    english = client.get("/statistiques/departs.csv?par=pays", headers={"Accept-Language": "en"})
    assert english.get_data(as_text=True).splitlines()[1:] == ["Spain;1"]
    by_country = client.get("/statistiques/?par=pays").get_data(as_text=True)
    assert "<svg" in by_country and "<td>Espagne</td>" in by_country and "<td>ES</td>" not in by_country
    # The departed persons' pages: stages and statuses in words, dates as people read them.
    with deployed:
        persons = {row.person_id for row in deployed.session.scalars(select(Departure))}
    _login(client, "dcim")
    shown = "".join(client.get(f"/personnes/{person}").get_data(as_text=True) for person in persons)
    assert "<td>contrat à corriger</td>" in shown and "<td>parti</td>" in shown
    assert "contrat_a_corriger" not in shown and not re.search(r"<td>\d{4}-\d\d-\d\d", shown)
