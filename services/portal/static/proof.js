// The in-browser inclusion proof of one ledger entry (the regulator's entry page).
//
// The browser fetches the entry, the latest signed checkpoint, the audit path and the
// published keys (relayed by the portal from the audit service) and checks everything
// itself with WebCrypto, so the regulator need not take the portal's word:
//   1. the entry's bytes are the RFC 8785 canonical JSON of
//      {seq, record, kid, signature, recorded_at, prev_hash}; its leaf hash is
//      SHA-256(0x00 || bytes) (RFC 9162 §2.1.1);
//   2. the audit path is walked to a root as RFC 9162 §2.1.3.2 says, interior nodes
//      hashed as SHA-256(0x01 || left || right), and the root must equal the checkpoint's;
//   3. the checkpoint's Ed25519 signature over the canonical JSON of
//      {log, tree_size, root_hash, timestamp} must verify under the ledger key it names;
//   4. the source service's Ed25519 signature over the canonical record must verify
//      under the source key it names.
// `?tamper=1` on the page alters one byte of the fetched entry before it is hashed, to
// show that the check then fails.

const encoder = new TextEncoder();

/** RFC 8785 canonical JSON: keys sorted by UTF-16 code units, ECMAScript number and
 * string forms (which JSON.stringify already writes), no whitespace. */
export function canonicalJson(value) {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function hexToBytes(hex) {
  if (typeof hex !== "string" || hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) {
    throw new Error(`not hex: ${hex}`);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export function leafHash(data) {
  return sha256(concat(Uint8Array.of(0), data));
}

export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

function bitLength(n) {
  return n === 0n ? 0 : n.toString(2).length;
}

function bitCount(n) {
  return n.toString(2).split("").filter((c) => c === "1").length;
}

/** How many hashes the audit path of leaf `index` in a tree of `size` has. */
export function inclusionPathLength(index, size) {
  const inner = bitLength(BigInt(index) ^ BigInt(size - 1));
  return inner + bitCount(BigInt(index) >> BigInt(inner));
}

/** The root reached from `leaf` along `path` (RFC 9162 §2.1.3.2); null when the path
 * does not fit a tree of `size` leaves. */
export async function rootFromAuditPath(leaf, index, size, path) {
  if (index >= size || path.length !== inclusionPathLength(index, size)) {
    return null;
  }
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) {
      return null;
    }
    if (fn & 1n || fn === sn) {
      r = await nodeHash(p, r);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

export function entryBytes(entry) {
  const body = {
    seq: entry.seq, record: entry.record, kid: entry.kid, signature: entry.signature,
    recorded_at: entry.recorded_at, prev_hash: entry.prev_hash,
  };
  return encoder.encode(canonicalJson(body));
}

/** The entry with one byte of its event id changed (its last character's low bit). */
export function tampered(entry) {
  const id = entry.record.event_id;
  const last = String.fromCharCode(id.charCodeAt(id.length - 1) ^ 1);
  return { ...entry, record: { ...entry.record, event_id: id.slice(0, -1) + last } };
}

export async function ed25519Valid(jwk, signatureHex, message) {
  const key = await crypto.subtle.importKey(
    "jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, hexToBytes(signatureHex), message);
}

/** Check entry `seq` against the latest signed checkpoint; a report of each step. */
export async function checkEntry(relay, seq, { tamper = false } = {}) {
  const get = async (path) => {
    const answer = await fetch(relay + path, { credentials: "same-origin",
                                               headers: { Accept: "application/json" } });
    if (answer.status === 404) {
      return null;
    }
    if (!answer.ok) {
      throw new Error(`${path}: ${answer.status}`);
    }
    return answer.json();
  };
  const [fetched, checkpoint, keys] = await Promise.all([
    get(`/entries/${seq}`), get("/checkpoints/latest"), get("/keys")]);
  if (fetched === null || keys === null) {
    throw new Error("entry or keys missing");
  }
  if (checkpoint === null || checkpoint.tree_size <= seq) {
    return { covered: false };
  }
  const entry = tamper ? tampered(fetched) : fetched;
  const proof = await get(`/proofs/inclusion?seq=${seq}&tree_size=${checkpoint.tree_size}`);
  const leaf = await leafHash(entryBytes(entry));
  const path = proof.audit_path.map(hexToBytes);
  const root = await rootFromAuditPath(leaf, seq, checkpoint.tree_size, path);
  const report = { covered: true, leaf, root, checkpoint, problems: [] };
  report.rootOk = root !== null && bytesToHex(root) === checkpoint.root_hash.toLowerCase();
  if (!report.rootOk) {
    report.problems.push(root === null ? "path_length" : "root_mismatch");
  }
  const ledgerKey = keys.ledger.find((k) => k.kid === checkpoint.kid);
  report.ledgerKey = ledgerKey;
  const signedHead = encoder.encode(canonicalJson({
    log: checkpoint.log, tree_size: checkpoint.tree_size, root_hash: checkpoint.root_hash,
    timestamp: checkpoint.timestamp }));
  report.checkpointOk = ledgerKey !== undefined
    && await ed25519Valid(ledgerKey, checkpoint.signature, signedHead);
  if (!report.checkpointOk) {
    report.problems.push(ledgerKey === undefined ? "unknown_ledger_key"
                                                  : "bad_checkpoint_signature");
  }
  const sourceKey = keys.sources.find((k) => k.kid === entry.kid);
  report.sourceOk = sourceKey !== undefined && await ed25519Valid(
    sourceKey.jwk, entry.signature, encoder.encode(canonicalJson(entry.record)));
  if (!report.sourceOk) {
    report.problems.push(sourceKey === undefined ? "unknown_source_key"
                                                  : "bad_source_signature");
  }
  report.valid = report.problems.length === 0;
  return report;
}

function show(section, report, messages) {
  const verdict = section.querySelector("#proof-verdict");
  const steps = section.querySelector("#proof-steps");
  steps.replaceChildren();
  if (!report.covered) {
    verdict.dataset.verdict = "uncovered";
    verdict.textContent = messages.not_covered;
    section.querySelector("#proof-sign-now").hidden = false;
    return;
  }
  for (const [ok, key] of [[report.rootOk, "step_root"],
                           [report.checkpointOk, "step_checkpoint"],
                           [report.sourceOk, "step_source"]]) {
    const item = document.createElement("li");
    item.className = ok ? "ok" : "failed";
    item.textContent = `${ok ? "✓" : "✗"} ${messages[key]}`;
    steps.append(item);
  }
  section.querySelector("#proof-leaf").textContent = bytesToHex(report.leaf);
  section.querySelector("#proof-root").textContent = report.root ? bytesToHex(report.root) : "—";
  section.querySelector("#proof-checkpoint").textContent =
    `${messages.tree_size} ${report.checkpoint.tree_size} · ${report.checkpoint.root_hash}`;
  section.querySelector("#proof-key").textContent = report.ledgerKey
    ? `${report.ledgerKey.kid} · ${report.ledgerKey.x}` : "—";
  section.querySelector("#proof-figures").hidden = false;
  verdict.dataset.verdict = report.valid ? "valid" : "invalid";
  verdict.className = `verdict ${verdict.dataset.verdict}`;
  verdict.textContent = report.valid
    ? `${messages.valid} — ${messages.verdict_valid}`
    : `${messages.invalid} — ${messages.verdict_invalid}${report.problems.map((p) => messages[p]).join(messages.separator)}`;
}

function fail(section, messages, reason) {
  const verdict = section.querySelector("#proof-verdict");
  verdict.dataset.verdict = "invalid";
  verdict.className = "verdict invalid";
  verdict.textContent = `${messages.invalid} — ${messages.verdict_invalid}${reason}`;
}

async function main() {
  const section = document.getElementById("proof");
  if (section === null) {
    return;
  }
  const messages = JSON.parse(document.getElementById("proof-messages").textContent);
  if (!globalThis.crypto || !crypto.subtle) {
    fail(section, messages, messages.no_webcrypto);
    return;
  }
  const tamper = new URLSearchParams(window.location.search).has("tamper");
  let report;
  try {
    report = await checkEntry(section.dataset.relay, Number(section.dataset.seq), { tamper });
  } catch (error) {
    const reason = error && error.name === "NotSupportedError"
      ? messages.no_webcrypto : `${messages.fetch_failed} (${error.message})`;
    fail(section, messages, reason);
    return;
  }
  show(section, report, messages);
}

main();
