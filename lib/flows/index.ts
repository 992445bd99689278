import { acumaticaZohoCrm } from "./acumatica-zoho-crm/definition";
import type { AnyFlowKind } from "./types";
import { zohoCrmAcumatica } from "./zoho-crm-acumatica/definition";
import { zuoraAcumatica } from "./zuora-acumatica/definition";

/**
 * Every flow kind of this build, in the order the admin lists them. Written by hand: a new
 * integration adds its definition here and nowhere else (the engine and the admin read this list).
 */
export const flowKinds: readonly AnyFlowKind[] = [zuoraAcumatica, acumaticaZohoCrm, zohoCrmAcumatica];
