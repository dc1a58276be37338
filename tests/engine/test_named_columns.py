"""Columns the question spells out, and answers that never read them: the real Chinook catalog."""

import pytest

from engine.sql.named_columns import spelt_columns, unread_columns


@pytest.mark.parametrize(("question", "spelt"), [
    ("What is the unit price of the track Balls to the Wall?", {"unitprice"}),
    ("List the billing cities and billing countries of invoices.", {"billingcity", "billingcountry"}),  # plural, in order
    ("List the cities and totals of invoices.", {"city"}),  # "total" is what a question does with numbers
    ("Which tracks last longer than 300000 milliseconds?", {"milliseconds"}),
    ("What is the name and title of each album?", set()),  # too common to tell anything
    ("What is the average price of a track?", set()),  # "price" alone is not `UnitPrice`, "average" is what is done with it
    ("How many media types are there?", set()),  # the table MediaType, not a column
    ("Show the city of billing for each invoice.", {"city"}),  # `BillingCity`'s words are not side by side
])
def test_spelt_columns(chinook, question, spelt):
    catalog, _ = chinook
    assert spelt_columns(question, catalog) == spelt


def test_unread_columns(chinook):
    catalog, _ = chinook
    q = "List the billing cities and billing countries of invoices."
    assert unread_columns(q, "SELECT BillingCity FROM Invoice", catalog) == ["billingcountry"]
    assert unread_columns(q, "SELECT BillingCity, BillingCountry FROM Invoice", catalog) == []
    assert unread_columns(q, "SELECT nonsense FROM", catalog) == []  # does not parse: nothing to say
