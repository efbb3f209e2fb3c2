// The in-browser check of the ledger proof a trade voucher carries (the buyer's voucher
// page), with the functions of proof.js: the voucher embeds its settlement's ledger
// entry, the entry's RFC 9162 inclusion proof and the signed checkpoint; the page embeds
// the ledger's published keys. The browser checks that
//   1. the entry is the voucher's settlement event;
//   2. the entry's leaf, walked up the audit path, gives the checkpoint's root;
//   3. the ledger key signed the checkpoint;
//   4. the source service signed the entry's record.
// `?tamper=1` alters one byte of the entry before it is hashed, to show a failure.

import {
  bytesToHex, canonicalJson, ed25519Valid, entryBytes, hexToBytes, leafHash,
  rootFromAuditPath, tampered,
} from "./proof.js";

const encoder = new TextEncoder();

/** Check the voucher's `ledger` block against `keys`; the list of steps, each ok or
 * not with its reason's message key. */
export async function checkVoucherLedger(ledger, keys, { tamper = false } = {}) {
  const entry = tamper ? tampered(ledger.entry) : ledger.entry;
  const proof = ledger.inclusion_proof;
  const checkpoint = ledger.checkpoint;
  const steps = [];
  steps.push({ key: "step_event", ok: entry.record.event_id === ledger.event_id
               && entry.seq === ledger.seq, problem: "other_event" });
  const fits = proof.leaf_index === entry.seq && proof.tree_size === checkpoint.tree_size;
  const leaf = await leafHash(entryBytes(entry));
  const root = fits ? await rootFromAuditPath(
    leaf, entry.seq, checkpoint.tree_size, proof.audit_path.map(hexToBytes)) : null;
  steps.push({ key: "step_root", problem: root === null ? "path_length" : "root_mismatch",
               ok: root !== null && bytesToHex(root) === checkpoint.root_hash.toLowerCase() });
  const ledgerKey = keys.ledger.find((k) => k.kid === checkpoint.kid);
  const head = encoder.encode(canonicalJson({
    log: checkpoint.log, tree_size: checkpoint.tree_size, root_hash: checkpoint.root_hash,
    timestamp: checkpoint.timestamp }));
  steps.push({ key: "step_checkpoint",
               problem: ledgerKey ? "bad_checkpoint_signature" : "unknown_ledger_key",
               ok: ledgerKey !== undefined
                   && await ed25519Valid(ledgerKey, checkpoint.signature, head) });
  const sourceKey = keys.sources.find((k) => k.kid === entry.kid);
  steps.push({ key: "step_source",
               problem: sourceKey ? "bad_source_signature" : "unknown_source_key",
               ok: sourceKey !== undefined && await ed25519Valid(
                 sourceKey.jwk, entry.signature, encoder.encode(canonicalJson(entry.record))) });
  return { steps, leaf, root, checkpoint, valid: steps.every((s) => s.ok) };
}

function verdictText(section, messages, valid, reasons) {
  const verdict = section.querySelector("#ledger-proof-verdict");
  verdict.dataset.verdict = valid ? "valid" : "invalid";
  verdict.className = `verdict ${verdict.dataset.verdict}`;
  verdict.textContent = valid ? `${messages.valid} — ${messages.verdict_valid}`
    : `${messages.invalid} — ${messages.verdict_invalid}${reasons.join(messages.separator)}`;
}

async function main() {
  const section = document.getElementById("ledger-proof");
  if (section === null) {
    return;
  }
  const messages = JSON.parse(document.getElementById("ledger-proof-messages").textContent);
  const ledger = JSON.parse(document.getElementById("ledger-proof-ledger").textContent);
  const keys = JSON.parse(document.getElementById("ledger-proof-keys").textContent);
  if (!globalThis.crypto || !crypto.subtle) {
    verdictText(section, messages, false, [messages.no_webcrypto]);
    return;
  }
  const tamper = new URLSearchParams(window.location.search).has("tamper");
  let report;
  try {
    report = await checkVoucherLedger(ledger, keys, { tamper });
  } catch (error) {
    const reason = error && error.name === "NotSupportedError"
      ? messages.no_webcrypto : `${messages.malformed} (${error.message})`;
    verdictText(section, messages, false, [reason]);
    return;
  }
  const list = section.querySelector("#ledger-proof-steps");
  list.replaceChildren(...report.steps.map((step) => {
    const item = document.createElement("li");
    item.className = step.ok ? "ok" : "failed";
    item.textContent = `${step.ok ? "✓" : "✗"} ${messages[step.key]}`;
    return item;
  }));
  section.querySelector("#ledger-proof-leaf").textContent = bytesToHex(report.leaf);
  section.querySelector("#ledger-proof-root").textContent =
    report.root ? bytesToHex(report.root) : "—";
  section.querySelector("#ledger-proof-checkpoint").textContent =
    `${messages.tree_size} ${report.checkpoint.tree_size} · ${report.checkpoint.root_hash}`;
  section.querySelector("#ledger-proof-figures").hidden = false;
  verdictText(section, messages, report.valid,
              report.steps.filter((s) => !s.ok).map((s) => messages[s.problem]));
}

main();
