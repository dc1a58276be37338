"""The rewrites of an answer's shape (count threshold, missing GROUP BY, asked count, count join, distinct
count, both values, unasked limit, absent rows, group shown, shown filter, impossible extremes, unasked literal):
on the real Chinook catalog and data, each against what the model wrote."""

import pytest

from engine.sql.counted import counted_tables
from engine.sql.validate import check_sql

GENRE_TRACKS = "SELECT T1.Name FROM Genre AS T1 JOIN Track AS T2 ON T1.GenreId = T2.GenreId GROUP BY T1.Name"


def _check(catalog, sql, question):
    return check_sql(sql, catalog, row_cap=None, link=True, question=question)


def test_a_count_bound_is_a_having_not_a_top_n(chinook):
    catalog, db = chinook
    out = _check(catalog, GENRE_TRACKS + " ORDER BY COUNT(*) DESC LIMIT 100", "Which genres have more than 100 tracks?")
    assert out.sql == GENRE_TRACKS + " HAVING COUNT(*) > 100"
    assert len(db.run(out.sql).rows) == 5
    at_least = _check(catalog, GENRE_TRACKS + " ORDER BY COUNT(*) DESC LIMIT 100", "Genres with at least 100 tracks?")
    assert at_least.sql.endswith("HAVING COUNT(*) >= 100")


@pytest.mark.parametrize(("sql", "question"), [
    (GENRE_TRACKS + " ORDER BY COUNT(*) DESC LIMIT 10", "Which are the top 10 genres by tracks?"),  # a top-N indeed
    (GENRE_TRACKS + " ORDER BY COUNT(*) DESC LIMIT 10", "Which genres have the most tracks, more than 10?"),  # a superlative too
    ("SELECT AlbumId FROM Track GROUP BY AlbumId ORDER BY COUNT(*) DESC LIMIT 5",
     "Albums with more than 5 milliseconds?"),  # the number bounds a column
])
def test_a_top_n_stays(chinook, sql, question):
    catalog, _ = chinook
    assert _check(catalog, sql, question).sql == sql


def test_an_aggregate_beside_plain_columns_is_grouped_by_them(chinook):
    catalog, db = chinook
    sql = "SELECT T1.Name, COUNT(*) FROM Genre AS T1 JOIN Track AS T2 ON T1.GenreId = T2.GenreId"
    out = _check(catalog, sql, "Show each genre's name and its number of tracks.")
    assert out.sql == sql + " GROUP BY T1.Name"
    assert len(db.run(out.sql).rows) == 25 and len(db.run(sql).rows) == 1
    # no "each"/"their" in the question, or SQLite's bare-column idiom for the longest track: left
    assert _check(catalog, sql, "Genre name and number of tracks").sql == sql
    idiom = "SELECT Name, MAX(Milliseconds) FROM Track"
    assert _check(catalog, idiom, "What is the name of the longest track and its length?").sql == idiom


def test_an_asked_count_is_shown(chinook):
    catalog, db = chinook
    out = _check(catalog, "SELECT GenreId FROM Track GROUP BY GenreId", "Show the number of tracks for each genre id.")
    assert out.sql == "SELECT GenreId, COUNT(*) FROM Track GROUP BY GenreId"
    assert db.run(out.sql).rows[0] == [1, 1297]
    ranked = "SELECT GenreId FROM Track GROUP BY GenreId ORDER BY COUNT(*) DESC LIMIT 1"
    assert _check(catalog, ranked, "Which genre id has the largest number of tracks?").sql == ranked


def test_the_counted_table_is_joined(chinook):
    catalog, db = chinook
    sql = "SELECT Name FROM Artist GROUP BY ArtistId ORDER BY COUNT(*) DESC LIMIT 1"
    out = _check(catalog, sql, "Which artist has the most albums?")
    assert out.sql == ("SELECT Name FROM Artist JOIN Album ON Artist.ArtistId = Album.ArtistId GROUP BY Artist.ArtistId "
                       "ORDER BY COUNT(*) DESC LIMIT 1")
    assert db.run(out.sql).rows == [["Iron Maiden"]]
    assert db.run(sql).rows == [["AC/DC"]]  # every count was 1: the first artist
    # down a chain: tracks have no key to artists; albums do, and tracks have one to albums
    chain = _check(catalog, sql, "Which artist has the most tracks on their albums?")
    assert chain.sql == ("SELECT Artist.Name FROM Artist JOIN Album ON Artist.ArtistId = Album.ArtistId JOIN Track "
                         "ON Album.AlbumId = Track.AlbumId GROUP BY Artist.ArtistId ORDER BY COUNT(*) DESC LIMIT 1")
    assert db.run(chain.sql).rows == [["Iron Maiden"]]
    assert _check(catalog, sql, "Which artist has the most tracks?").sql == sql  # the middle table is not named
    # through a link table: tracks have no key to playlists; PlaylistTrack's rows are each playlist's tracks
    lists = "SELECT Name, COUNT(*) FROM Playlist GROUP BY Name"
    linked = _check(catalog, lists, "How many tracks does each playlist have?")
    assert linked.sql == ("SELECT Name, COUNT(*) FROM Playlist JOIN PlaylistTrack ON Playlist.PlaylistId = "
                          "PlaylistTrack.PlaylistId GROUP BY Name")
    assert dict(map(tuple, db.run(linked.sql).rows))["Grunge"] == 15 and dict(map(tuple, db.run(lists).rows))["Grunge"] == 1
    tracks = _check(catalog, "SELECT Title, COUNT(*) FROM Album GROUP BY AlbumId", "Each album title and the number of tracks on it.")
    assert db.run(tracks.sql).rows[0] == ["For Those About To Rock We Salute You", 10]


def test_rows_holding_a_key_are_counted_once_per_key(chinook):
    catalog, db = chinook
    out = _check(catalog, "SELECT COUNT(*) FROM Invoice", "How many customers have an invoice?")
    assert out.sql == "SELECT COUNT(DISTINCT CustomerId) FROM Invoice"
    assert db.run(out.sql).rows == [[59]]
    # negated: the customers without one are not in Invoice at all; and a question counting invoices
    none = _check(catalog, "SELECT COUNT(*) FROM Invoice", "How many customers have no invoice?")  # absent_rows' business, below
    assert "DISTINCT" not in none.sql and none.sql.endswith("FROM Customer WHERE NOT Customer.CustomerId IN (SELECT CustomerId FROM Invoice)")
    assert _check(catalog, "SELECT COUNT(*) FROM Invoice", "How many invoices are there?").sql == "SELECT COUNT(*) FROM Invoice"


def test_counted_tables(chinook):
    catalog, _ = chinook
    assert counted_tables("How many media types are there?", catalog) == {"MediaType"}
    assert counted_tables("Artists with at least 3 albums", catalog) == {"Album"}
    assert counted_tables("Which genre is the most common?", catalog) == set()


ALBUM_GENRES = ("SELECT T1.Title FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId "
                "JOIN Genre AS T3 ON T2.GenreId = T3.GenreId WHERE ")


def test_two_values_of_one_column_are_two_selects(chinook):
    """both_values: `Name = 'Reggae' AND Name = 'Rock'` holds for no row; INTERSECT, or EXCEPT when one is negated."""
    catalog, db = chinook
    sql = ALBUM_GENRES + "T3.Name = 'Reggae' AND T3.Name = 'Rock'"
    both = _check(catalog, sql, "Albums with both Reggae and Rock tracks?")
    assert both.sql == ALBUM_GENRES + "T3.Name = 'Reggae' INTERSECT " + ALBUM_GENRES + "T3.Name = 'Rock'"
    assert db.run(both.sql).rows == [["Greatest Hits"]] and db.run(sql).rows == []
    minus = _check(catalog, sql, "Albums with Rock tracks but no Reggae tracks?")
    assert minus.sql == ALBUM_GENRES + "T3.Name = 'Rock' EXCEPT " + ALBUM_GENRES + "T3.Name = 'Reggae'"
    one = ALBUM_GENRES + "T3.Name = 'Rock' AND T2.Composer = 'Sting'"  # two columns: satisfiable, left
    assert _check(catalog, one, "Rock albums with tracks by Sting?").sql == one


def test_an_unasked_limit_is_dropped(chinook):
    """unasked_limit: a listing the question does not rank keeps every row."""
    catalog, db = chinook
    sql = "SELECT Name FROM Genre GROUP BY Name ORDER BY COUNT(*) DESC LIMIT 1"
    out = _check(catalog, sql, "What are the names of different music genres?")
    assert out.sql == "SELECT Name FROM Genre GROUP BY Name ORDER BY COUNT(*) DESC"
    assert len(db.run(out.sql).rows) == 25
    # "for each": one row per group, with the count it asks for
    each = _check(catalog, sql, "For each genre, how many tracks are there?")
    assert each.sql == ("SELECT Genre.Name, COUNT(*) FROM Genre JOIN Track ON Genre.GenreId = Track.GenreId "
                        "GROUP BY Genre.Name ORDER BY COUNT(*) DESC")  # count_join then counts the tracks
    assert db.run(each.sql).rows[0] == ["Rock", 1297] and len(db.run(each.sql).rows) == 25
    for ranked in ("What is the name of the most common genre?", "List the names of 1 genre.", "Which genre is the only one?"):
        assert _check(catalog, sql, ranked).sql == sql
    assert _check(catalog, sql, "For each genre, which has the most tracks?").sql.endswith("LIMIT 1")


def test_rows_with_none_of_a_table_are_a_not_in(chinook):
    """absent_rows: an inner join keeps exactly the artists the question excludes."""
    catalog, db = chinook
    sql = ("SELECT T2.Name FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId "
           "WHERE NOT T1.ArtistId IN (SELECT ArtistId FROM Album)")
    out = _check(catalog, sql, "Find the names of artists that do not have any albums.")
    assert out.sql == "SELECT T2.Name FROM Artist AS T2 WHERE NOT T2.ArtistId IN (SELECT ArtistId FROM Album)"
    assert len(db.run(out.sql).rows) == 71 and db.run(sql).rows == []
    # a count over the negated table alone counts the asked table instead
    count = _check(catalog, "SELECT COUNT(*) FROM Album", "How many artists do not have any album?")
    assert count.sql == "SELECT COUNT(*) FROM Artist WHERE NOT Artist.ArtistId IN (SELECT ArtistId FROM Album)"
    assert db.run(count.sql).rows == [[71]]
    # the model's "not" on the negated table's condition moves inside, affirmed
    genre = _check(catalog, "SELECT T1.Name FROM Genre AS T1 JOIN Track AS T2 ON T1.GenreId = T2.GenreId WHERE T2.Composer <> 'Sting'",
                   "Which genres have no tracks composed by Sting?")
    assert genre.sql == "SELECT T1.Name FROM Genre AS T1 WHERE NOT T1.GenreId IN (SELECT GenreId FROM Track WHERE Composer = 'Sting')"
    # no negation, or columns of both tables shown: left
    kept = "SELECT T2.Name, T1.Title FROM Album AS T1 JOIN Artist AS T2 ON T1.ArtistId = T2.ArtistId"
    assert _check(catalog, kept, "Artists without albums and their album titles?").sql == kept


def test_per_group_answers_show_their_group(chinook):
    """group_shown: aggregates per genre id, without the genre id, cannot be told apart."""
    catalog, db = chinook
    out = _check(catalog, "SELECT AVG(Milliseconds), MAX(Milliseconds) FROM Track GROUP BY GenreId",
                 "What is the average and longest length for each genre id?")
    assert out.sql == "SELECT AVG(Milliseconds), MAX(Milliseconds), GenreId FROM Track GROUP BY GenreId"
    assert db.run(out.sql).rows[0][2] == 1


def test_an_answer_showing_only_its_filter_shows_names(chinook):
    """shown_filter: every row of `SELECT Composer … WHERE Composer = 'AC/DC'` is 'AC/DC'."""
    catalog, db = chinook
    out = _check(catalog, "SELECT Composer FROM Track WHERE Composer = 'AC/DC'", "What are the names of the tracks composed by AC/DC?")
    assert out.sql == "SELECT Name FROM Track WHERE Composer = 'AC/DC'"
    assert len(db.run(out.sql).rows) == 8
    left = "SELECT Composer FROM Track WHERE Composer = 'AC/DC'"
    assert _check(catalog, left, "Which composers are AC/DC?").sql == left  # no names asked
    # a listing of the filtered table's rows: its name column
    assert _check(catalog, left, "List all tracks composed by AC/DC.").sql == "SELECT Name FROM Track WHERE Composer = 'AC/DC'"


def test_a_comparison_beyond_its_own_extreme_is_an_equality(chinook):
    """impossible_extreme: no track is shorter than the shortest."""
    catalog, db = chinook
    sql = "SELECT Name FROM Track WHERE Milliseconds < (SELECT MIN(Milliseconds) FROM Track)"
    out = _check(catalog, sql, "Which track is the shortest?")
    assert out.sql == "SELECT Name FROM Track WHERE Milliseconds = (SELECT MIN(Milliseconds) FROM Track)"
    assert db.run(out.sql).rows == [["É Uma Partida De Futebol"]] and db.run(sql).rows == []


def test_a_count_of_two_values_counts_the_intersect(chinook):
    """distinct_count then both_values: "how many albums have both Reggae and Rock tracks"."""
    catalog, db = chinook
    sql = ("SELECT COUNT(*) FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId "
           "JOIN Genre AS T3 ON T2.GenreId = T3.GenreId WHERE T3.Name = 'Reggae' AND T3.Name = 'Rock'")
    out = _check(catalog, sql, "How many albums have both Reggae and Rock tracks?")
    assert out.sql.startswith("SELECT COUNT(*) FROM (SELECT T1.AlbumId FROM Album AS T1") and " INTERSECT " in out.sql
    assert db.run(out.sql).rows == [[1]] and db.run(sql).rows == [[0]]
    joined = _check(catalog, "SELECT COUNT(*) FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId",
                    "How many albums have tracks?")
    assert joined.sql == "SELECT COUNT(DISTINCT T1.AlbumId) FROM Album AS T1 JOIN Track AS T2 ON T1.AlbumId = T2.AlbumId"
    assert db.run(joined.sql).rows == [[347]]


def test_a_condition_on_a_value_the_question_never_mentions_is_dropped(chinook):
    """unasked_literal: `FirstName = 'John'` for "addresses of customers living in Germany"."""
    catalog, db = chinook
    sql = "SELECT Address FROM Customer WHERE Country = 'Germany' AND FirstName = 'John'"
    out = _check(catalog, sql, "What are the addresses of customers living in Germany?")
    assert out.sql == "SELECT Address FROM Customer WHERE Country = 'Germany'"
    assert out.fixes == ["dropped FirstName = 'John' (the question never mentions that value)"]
    assert len(db.run(out.sql).rows) == 4 and db.run(sql).rows == []
    for kept, question in [
        (sql, "Addresses of customers named John living in Germany?"),  # mentioned
        ("SELECT Address FROM Customer WHERE FirstName = 'John'", "Addresses of customers in Germany?"),  # the only condition
        ("SELECT Address FROM Customer WHERE Country = 'Germany' AND State = 'BE'", "Addresses of customers living in Germany?"),  # a code
    ]:
        assert _check(catalog, kept, question).sql == kept



def test_an_answer_showing_only_its_sort_key_shows_the_asked_column(chinook):
    """shown_sort_key: "the unit price of the longest track" is not its length."""
    catalog, db = chinook
    sql = "SELECT Milliseconds FROM Track ORDER BY Milliseconds DESC LIMIT 1"
    out = _check(catalog, sql, "What is the unit price of the longest track?")
    assert out.sql == "SELECT UnitPrice FROM Track ORDER BY Milliseconds DESC LIMIT 1"
    assert db.run(out.sql).rows == [[1.99]] and db.run(sql).rows == [[5286953]]
    assert _check(catalog, sql, "How long is the longest track?").sql == sql  # nothing else named
