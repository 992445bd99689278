import { acumaticaZohoCrm } from "./acumatica-zoho-crm/definition";
import type { AnyFlowKind } from "./types";
import { netsuiteZuora } from "./netsuite-zuora/definition";
import { zohoCrmAcumatica } from "./zoho-crm-acumatica/definition";
import { zuoraAcumatica } from "./zuora-acumatica/definition";
import { zuoraQad } from "./zuora-qad/definition";
import { zuoraIfsCloud } from "./zuora-ifs-cloud/definition";
import { zuoraNetsuiteSubscriptions } from "./zuora-netsuite-subscriptions/definition";

/**
 * Every flow kind of this build, in the order the admin lists them. Written by hand: a new
 * integration adds its definition here and nowhere else (the engine and the admin read this list).
 */
export const flowKinds: readonly AnyFlowKind[] = [zuoraAcumatica, zuoraQad, netsuiteZuora, zuoraNetsuiteSubscriptions, acumaticaZohoCrm, zohoCrmAcumatica, zuoraIfsCloud];
