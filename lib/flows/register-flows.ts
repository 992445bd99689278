import { registerCalloutVerifier, registerFlowDefinition } from "./registry";
import { verifyZuoraCallout, zuoraAcumaticaFlow } from "./zuora-acumatica";

/*
 * Side-effect module: registers this build's flow kinds and callout verifiers. Imported by the
 * worker's task list and the webhook route; add each new integration here.
 */
registerFlowDefinition(zuoraAcumaticaFlow);
registerCalloutVerifier("zuora", verifyZuoraCallout);
