"""Starting the app checks each collection's indexes with one listing apiece and creates only those missing: every
command and app process starts there, and creating every index each time sent 124 commands."""
from __future__ import annotations

from documents import ALL, Employee, ensure_indexes
from tests.conftest import database_commands


def test_the_indexes_in_place_are_listed_once_per_collection_and_not_created_again(app):
    with database_commands() as sent:
        ensure_indexes()
    created = [target for name, target in sent if name == "createIndexes"]
    listed = [target for name, target in sent if name == "listIndexes"]
    assert created == [] and sorted(listed) == sorted(document._get_collection_name() for document in ALL)


def test_a_missing_index_is_made_again(app):
    collection = Employee._get_collection()
    collection.drop_index("last_name_1_first_name_1")
    with database_commands() as sent:
        ensure_indexes()
    assert ("createIndexes", "employees") in sent
    assert "last_name_1_first_name_1" in collection.index_information()


def test_start_up_reads_no_logins_for_their_search_words(app, make_user):
    """Logins saved before their search words existed get them from the kept rebuild (services/kept.py), once:
    starting up only lists the indexes."""
    from documents import User
    make_user("hana.hart@example.org", ["hr"], name="Hana Hart")
    User._get_collection().update_many({}, {"$unset": {"search_words": 1}})
    with database_commands() as sent:
        ensure_indexes()
    assert {name for name, _ in sent} == {"listIndexes"}
    assert "search_words" not in User._get_collection().find_one({})
