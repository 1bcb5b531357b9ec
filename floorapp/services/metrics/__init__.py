"""The managers' figures: periods, request rows, statistics, staffing (Erlang C),
floor time, stock figures and exports.
"""
