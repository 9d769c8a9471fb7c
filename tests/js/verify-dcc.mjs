// A second independent verifier: the Digital Credentials Consortium's @digitalcredentials/verifier-core (what
// the Learner Credential Wallet and VerifierPlus run), called as published: its own suites (eddsa-rdfc-2022,
// Ed25519Signature2020), its own document loader (the contexts DCC bundles, did:key, did:web), its own status
// check (BitstringStatusListEntry; it ignores StatusList2021Entry and 1EdTechRevocationList) and its own way of
// turning the result into a verdict.
//
// Usage: node verify-dcc.mjs FILE.json [FILE.json ...]
// Prints one JSON line per file (a refused signature's error ends with the suites' own reasons in brackets):
//   {"file", "verified": true|false,
//    "rejected_for": null|"signature"|"dates"|"revocation"|"unsupported"|"credential"|"error",
//    "error": null|"...", "log": [{id, valid}...], "refused": [URLs it asked for that were not served]}
//
// Offline. verifier-core takes no document loader: it builds one when imported, with fetchRemoteContexts on,
// and it fetches did:web documents, status lists and JSON schemas with the global fetch (through ky). So this
// harness does not change the library's code or its verdict; it replaces its surroundings:
// - globalThis.fetch serves only the documents handed over (CC_DOCUMENTS and CC_STATUS_LISTS, each a JSON file
//   mapping URLs to local files, as for verify.mjs) and the CLR 2.0 context (no npm package bundles it; it is
//   read from cc_cli/data/contexts, a byte-for-byte copy of 1EdTech's file, as verify.mjs does). Any other URL
//   is answered 404 and listed in "refused". Contexts DCC bundles never reach fetch. Its JSON Schema check
//   (it fetches 1EdTech's schemas) therefore does not run; verifier-core reports that check only as
//   "additionalInformation", never in its verdict.
// - sockets cannot be opened at all (net/tls connect throw), so nothing can bypass the fetch stub.
// - a method id with a fragment at an https controller is answered with that method (see served() below).
// - each suite's verifyProof is observed (its result passed on untouched) to record why a proof failed, which
//   verifier-core reduces to "The signature is not valid.".
// - CC_VERIFY_NOW (ISO date-time) pins the clock: verifier-core passes no `now` to @digitalcredentials/vc, which
//   then uses `new Date()`; the harness makes `new Date()` and `Date.now()` return that instant (status lists'
//   dates are judged at it too).
// The verdict: verifier-core returns `errors` (fatal: unsigned, bad signature, unresolvable key, JSON-LD error,
// no VC context, an id that is not a URL) or a `log` of steps (valid_signature, expiration, revocation_status,
// registered_issuer). Accepted = no errors, no error left in the result, and every step valid except
// registered_issuer (no registry is consulted: knownDIDRegistries is empty, as a verifier with no trust list).
// A revocation step with an error (list missing, unverifiable, expired) is a rejection for revocation.
// "unsupported": refused as an invalid signature although no proof is of a suite verifier-core has (it says
// "The signature is not valid." for an ecdsa-sd-2023 or eddsa-jcs-2022 proof it never checked); "credential":
// a fatal error that is not about the signature (no VC context, an id that is not a URL) or a structural check
// of @digitalcredentials/vc; "error": verifier-core itself failed.
import {readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';

const CLR_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';
const CLR_CONTEXT_FILE = new URL(
  '../../cc_cli/data/contexts/clr-v2p0-context-2.0.1.json', import.meta.url);

// Diagnostics from the library (schema fetch failures, registry lookups) go to stderr, not our JSON lines.
const out = line => process.stdout.write(line + '\n');
console.log = (...args) => console.error(...args);
console.info = console.log;
console.warn = console.log;

// No sockets: a fetch that slipped past the stub would fail here rather than reach the network.
const noNetwork = () => {
  throw new Error('verify-dcc.mjs is offline: no sockets');
};
net.connect = net.createConnection = tls.connect = noNetwork;
net.Socket.prototype.connect = noNetwork;

// url -> the bytes fetch answers with. A method id with a fragment (https://issuer.example/keys#key-1) is
// answered with that method out of its document, as verify.mjs serves it to Digital Bazaar: verifier-core takes
// whatever its loader returns for the id as the key, so over real HTTP (which sends no fragment) it would get
// the whole controller document and fail ("publicKeyMultibase" is required) for every https controller.
function served() {
  const map = new Map([[CLR_CONTEXT_URL, readFileSync(CLR_CONTEXT_FILE)]]);
  for(const variable of ['CC_DOCUMENTS', 'CC_STATUS_LISTS']) {
    if(!process.env[variable]) {
      continue;
    }
    for(const [url, file] of Object.entries(JSON.parse(readFileSync(process.env[variable], 'utf8')))) {
      const bytes = readFileSync(file);
      map.set(url, bytes);
      let doc;
      try {
        doc = JSON.parse(bytes);
      } catch {
        continue; // served as it is; the verifier says what it makes of it
      }
      for(const rel of ['verificationMethod', 'assertionMethod']) {
        for(const vm of [].concat(doc?.[rel] || [])) {
          if(vm && typeof vm === 'object' && typeof vm.id === 'string' && vm.id.includes('#') &&
            vm.id.startsWith('http') && !map.has(vm.id)) {
            map.set(vm.id, Buffer.from(JSON.stringify({'@context': doc['@context'], ...vm})));
          }
        }
      }
    }
  }
  return map;
}

const documents = served();
let refused = [];
// A URL not handed over gets 404, as from a server that has no such document. (A network error would do as
// well, but ky, under DCC's http-client, retries those with backoff: about a second per URL.)
globalThis.fetch = async input => {
  const requested = typeof input === 'string' ? input : (input.url ?? String(input));
  const url = documents.has(requested) ? requested : requested.split('#')[0];
  if(!documents.has(url)) {
    refused.push(url);
    return new Response(`${url} is not served offline`, {status: 404, statusText: 'Not Found'});
  }
  return new Response(documents.get(url), {status: 200, headers: {'content-type': 'application/json'}});
};

if(process.env.CC_VERIFY_NOW) {
  const fixed = Date.parse(process.env.CC_VERIFY_NOW);
  if(Number.isNaN(fixed)) {
    console.error(`CC_VERIFY_NOW is not a date-time: ${process.env.CC_VERIFY_NOW}`);
    process.exit(2);
  }
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [fixed]));
    }

    static now() {
      return fixed;
    }
  };
}

// Imported only now: verifier-core builds its document loader and suites when loaded.
const {verifyCredential} = await import('@digitalcredentials/verifier-core');

// verifier-core reports a failed proof only as "The signature is not valid."; to record why, each suite's
// verifyProof (the classes verifier-core instantiates) is observed, its result passed on untouched.
let proofErrors = [];
for(const [pkg, name] of [
  ['@digitalcredentials/data-integrity', 'DataIntegrityProof'],
  ['@digitalcredentials/ed25519-signature-2020', 'Ed25519Signature2020']
]) {
  const suite = (await import(pkg))[name];
  const original = suite.prototype.verifyProof;
  suite.prototype.verifyProof = async function(...args) {
    const result = await original.apply(this, args);
    if(result && !result.verified && result.error) {
      proofErrors.push(`${name}: ${message(result.error)}`);
    }
    return result;
  };
}

const SIGNATURE_ERRORS = new Set([
  'no_proof', 'invalid_signature', 'did_web_unresolved', 'http_error_with_signature_check'
]);
const DATES = /validFrom|validUntil|issuanceDate|expirationDate|expired/;

// verifier-core's suites: Ed25519Signature2020 and DataIntegrityProof with eddsa-rdfc-2022, nothing else.
function checkable(credential) {
  return [].concat(credential?.proof || []).some(proof => proof && (
    proof.type === 'Ed25519Signature2020' ||
    (proof.type === 'DataIntegrityProof' && proof.cryptosuite === 'eddsa-rdfc-2022')));
}

function message(error) {
  return error?.message || String(error);
}

// verifier-core's result -> {verified, rejected_for, error, log}
function verdict(result) {
  const log = (result.log || []).map(({id, valid, error}) => ({id, valid, ...(error && {error: error.name})}));
  if(Array.isArray(result.errors) && result.errors.length) {
    const [first] = result.errors;
    const kind = SIGNATURE_ERRORS.has(first.name) ? 'signature' :
      first.name === 'unknown_error' ? 'error' :
      // a JSON-LD error (safe mode: an undefined term) stops the signature check: no signature
      /^jsonld\./.test(first.name) ? 'signature' : 'credential';
    const detail = result.errors.map(e => `${e.name}: ${message(e)}` +
      (e.stackTrace && typeof e.stackTrace === 'object' ? ` (${message(e.stackTrace)})` : '')).join('; ');
    return {verified: false, rejected_for: kind, error: detail, log};
  }
  if(result.error) { // thrown by @digitalcredentials/vc's checks and left in the result (e.g. before validFrom)
    const text = message(result.error);
    return {verified: false, rejected_for: DATES.test(text) ? 'dates' : 'credential', error: text, log};
  }
  for(const step of result.log || []) {
    if(step.id === 'registered_issuer') {
      continue;
    }
    if(step.valid !== true) {
      const kind = step.id === 'valid_signature' ? 'signature' :
        step.id === 'expiration' ? 'dates' : 'revocation';
      const text = step.error ? `${step.id}: ${step.error.name}: ${step.error.message}` : `${step.id}: not valid`;
      return {verified: false, rejected_for: kind, error: text, log};
    }
  }
  return {verified: true, rejected_for: null, error: null, log};
}

async function verifyFile(file) {
  refused = [];
  proofErrors = [];
  try {
    const credential = JSON.parse(await readFile(file, 'utf8'));
    const result = await verifyCredential({credential, knownDIDRegistries: []});
    const judged = verdict(result);
    if(judged.error?.startsWith('invalid_signature') && !checkable(credential)) {
      // verifier-core says "The signature is not valid." for a proof it has no suite for: it never judged it
      judged.rejected_for = 'unsupported';
    }
    if(judged.rejected_for === 'signature' && proofErrors.length) {
      judged.error += ` (${[...new Set(proofErrors)].join('; ')})`;
    }
    return {file, ...judged, refused: [...new Set(refused)]};
  } catch(e) {
    return {file, verified: false, rejected_for: 'error', error: message(e), log: [], refused: [...new Set(refused)]};
  }
}

const files = process.argv.slice(2);
if(files.length === 0) {
  console.error('usage: node verify-dcc.mjs FILE.json [FILE.json ...]');
  process.exit(2);
}
for(const file of files) {
  out(JSON.stringify(await verifyFile(file)));
}
