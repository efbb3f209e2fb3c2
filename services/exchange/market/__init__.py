"""The market rulebook: pure rules, no database, web framework or HTTP client.

- :mod:`.statuses`: where an order, offer, asset, grant, dispute, demand or
  organisation stands;
- :mod:`.rights`: the three data rights and what an asset's rights let an offer grant;
- :mod:`.classification`: open types and grades, and how datasets' combine;
- :mod:`.eligibility`: who may register, offer and order what;
- :mod:`.pricing`: price plans, tariffs and quotes;
- :mod:`.public_pricing`: public bodies' data: price caps and conditional free use;
- :mod:`.usage_policy`: ODRL usage policies of offers and contracts;
- :mod:`.errors`: the rule violations these raise (the exchange's app answers them as
  problem documents).
"""
