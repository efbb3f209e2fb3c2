#!/usr/bin/env bash
# A provider and a buyer trade one dataset with curl, against `dataex up` and its demo
# accounts (EXC and CAT may point elsewhere). Every command is the one the README shows.
set -euo pipefail
EXC=${EXC:-http://127.0.0.1:8002}
CAT=${CAT:-http://127.0.0.1:8001}
OPERATOR_PASSWORD=${OPERATOR_PASSWORD:-operator-demo-2026}
json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
token() {
  curl -sf -X POST "$EXC/v1/auth/token" -d grant_type=password -d username="$1" -d password="$2" \
    | json '["access_token"]'
}
OP=$(token operator "$OPERATOR_PASSWORD")
PROVIDER=$(token hz-data provider-demo-2026)
BUYER=$(token yuntu buyer-demo-2026)
REG=$(token regulator regulator-demo-2026)
PROVIDER_ORG=$(curl -sf "$EXC/v1/me" -H "Authorization: Bearer $PROVIDER" | json '["organization"]["id"]')
BUYER_ORG=$(curl -sf "$EXC/v1/me" -H "Authorization: Bearer $BUYER" | json '["organization"]["id"]')

# 1. The provider registers one of its listed datasets as an asset; the operator certifies it.
DATASET=$(curl -sf "$CAT/v1/datasets?publisher=$PROVIDER_ORG&limit=1" | json '["items"][0]["id"]')
ASSET=$(curl -sf -X POST "$EXC/v1/assets" -H "Authorization: Bearer $PROVIDER" \
  -H 'Content-Type: application/json' \
  -d "{\"name\": \"公共交通客流数据资产\", \"dataset_ids\": [\"$DATASET\"],
       \"rights\": [\"holding\", \"processing\", \"operation\"]}" | json '["id"]')
curl -sf -X POST "$EXC/v1/assets/$ASSET/review" -H "Authorization: Bearer $OP" \
  -H 'Content-Type: application/json' -d '{"approve": true}' > /dev/null
curl -sf "$EXC/v1/assets/$ASSET/certificate" -o certificate.json
curl -sf "$EXC/v1/signing-keys" -o exchange-keys.json
curl -sf -X POST "$EXC/v1/certificates/verify" -H 'Content-Type: application/json' \
  -d @certificate.json | json '["valid"]'                     # True (offline: see below)

# 2. It values the asset (cost method) and offers it: 500 yuan for 30 days of use.
curl -sf -X POST "$EXC/v1/assets/$ASSET/valuations" -H "Authorization: Bearer $PROVIDER" \
  -H 'Content-Type: application/json' -d '{"method": "cost", "inputs": {
    "collection_fen": 300000, "storage_fen": 50000, "processing_fen": 100000,
    "labour_fen": 50000, "profit_rate_bps": 2000, "quality_score": 85}}' | json '["value_fen"]'
OFFER=$(curl -sf -X POST "$EXC/v1/offers" -H "Authorization: Bearer $PROVIDER" \
  -H 'Content-Type: application/json' \
  -d "{\"asset_id\": \"$ASSET\", \"plan\": \"one_time\", \"price_fen\": 50000, \"term_days\": 30,
       \"policy\": {\"purposes\": [\"commercial\", \"research\"]}}" | json '["id"]')

# 3. The operator records the buyer's bank deposit; the buyer orders (Idempotency-Key).
curl -sf -X POST "$EXC/v1/accounts/$BUYER_ORG/deposits" -H "Authorization: Bearer $OP" \
  -H 'Content-Type: application/json' -d '{"amount_fen": 100000}' > /dev/null
ORDER=$(curl -sf -X POST "$EXC/v1/orders" -H "Authorization: Bearer $BUYER" \
  -H "Idempotency-Key: order-$(date +%s%N)" -H 'Content-Type: application/json' \
  -d "{\"offer_id\": \"$OFFER\", \"purpose\": \"地铁线网客流分析\"}" | json '["id"]')

# 4. The provider accepts (the contract is concluded), the buyer pays into escrow.
curl -sf -X POST "$EXC/v1/orders/$ORDER/accept" -H "Authorization: Bearer $PROVIDER" | json '["status"]'
PAY_KEY="pay-$ORDER"
curl -sf -X POST "$EXC/v1/orders/$ORDER/pay" -H "Authorization: Bearer $BUYER" \
  -H "Idempotency-Key: $PAY_KEY" | json '["status"]'                       # paid
curl -sf -X POST "$EXC/v1/orders/$ORDER/pay" -H "Authorization: Bearer $BUYER" \
  -H "Idempotency-Key: $PAY_KEY" | json '["status"]'                       # replayed, not charged twice
curl -sf "$EXC/v1/accounts/me" -H "Authorization: Bearer $BUYER"; echo     # 50000 available, 50000 escrow

# 5. The buyer takes its grant to the catalog, then confirms delivery.
GRANT=$(curl -sf "$EXC/v1/orders/$ORDER/grant" -H "Authorization: Bearer $BUYER" | json '["token"]')
curl -sf "$CAT/v1/whoami" -H "Authorization: Bearer $GRANT" | json '["kind"]'   # grant
curl -sf -X POST "$EXC/v1/orders/$ORDER/confirm" -H "Authorization: Bearer $BUYER" \
  | json '["provider_net_fen"]'                                            # 48500 (3 % fee)
curl -sf "$EXC/v1/accounts/me" -H "Authorization: Bearer $PROVIDER"; echo

# 6. The signed trade voucher; the regulator's trial balance sums to zero.
curl -sf "$EXC/v1/orders/$ORDER/voucher" -H "Authorization: Bearer $BUYER" -o voucher.json
curl -sf -X POST "$EXC/v1/certificates/verify" -H 'Content-Type: application/json' \
  -d @voucher.json | json '["status"]'                                     # settled
curl -sf "$EXC/v1/accounts/trial-balance" -H "Authorization: Bearer $REG" | json '["total_fen"]'
