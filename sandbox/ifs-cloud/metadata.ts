/**
 * `<Projection>.svc/$metadata` as OData CSDL 4.0 XML and the JSON service document, from the model and the
 * configured names. The schema namespace is `IfsApp.<Projection>` so bound actions are called as
 * `IfsApp.<Projection>.<EntityType>_<Action>` (vendor-apis.md §5.4); enumerations are enum types of the schema.
 */
import { ENUM_TYPES, KINDS, type IfsNames, type KindName, navigationName, type ProjectionInfo } from "./model";

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const namespaceOf = (projection: string) => `IfsApp.${projection}`;

export const buildMetadataXml = (projection: ProjectionInfo, names: IfsNames): string => {
  const ns = namespaceOf(projection.name);
  const kinds = projection.entitySets.map((s) => s.kind);
  const setOf = (kind: KindName) => projection.entitySets.find((s) => s.kind === kind)!.name;
  const usedEnums = new Set(kinds.flatMap((k) => KINDS[k].properties.flatMap((p) => (p.enumType ? [p.enumType] : []))));
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
    "<edmx:DataServices>",
    `<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="${escapeXml(ns)}">`,
  ];
  for (const name of usedEnums) {
    lines.push(`<EnumType Name="${name}">`);
    ENUM_TYPES[name]!.forEach((member, i) => lines.push(`<Member Name="${member}" Value="${i}"/>`));
    lines.push("</EnumType>");
  }
  for (const kind of kinds) {
    const def = KINDS[kind];
    lines.push(`<EntityType Name="${def.typeName}">`, "<Key>", ...def.keys.map((k) => `<PropertyRef Name="${k}"/>`), "</Key>");
    for (const p of def.properties) {
      const type = p.enumType ? `${ns}.${p.enumType}` : p.type;
      const facets = [
        p.nullable === false ? ' Nullable="false"' : "",
        p.maxLength && !p.enumType ? ` MaxLength="${p.maxLength}"` : "",
        p.type === "Edm.Decimal" ? ' Scale="variable"' : "",
      ].join("");
      lines.push(`<Property Name="${p.name}" Type="${type}"${facets}/>`);
    }
    for (const nav of def.navigations) {
      const target = KINDS[nav.target].typeName;
      const name = navigationName(names, kind, nav);
      if (nav.collection) {
        lines.push(`<NavigationProperty Name="${escapeXml(name)}" Type="Collection(${ns}.${target})"/>`);
      } else {
        lines.push(`<NavigationProperty Name="${escapeXml(name)}" Type="${ns}.${target}">`);
        for (const [from, to] of nav.on) lines.push(`<ReferentialConstraint Property="${from}" ReferencedProperty="${to}"/>`);
        lines.push("</NavigationProperty>");
      }
    }
    lines.push("</EntityType>");
  }
  for (const kind of kinds) {
    const def = KINDS[kind];
    for (const action of def.actions) {
      lines.push(`<Action Name="${def.typeName}_${action}" IsBound="true">`, `<Parameter Name="it" Type="${ns}.${def.typeName}" Nullable="false"/>`, "</Action>");
    }
  }
  lines.push('<EntityContainer Name="Main">');
  for (const set of projection.entitySets) {
    const def = KINDS[set.kind];
    lines.push(`<EntitySet Name="${escapeXml(set.name)}" EntityType="${ns}.${def.typeName}">`);
    for (const nav of def.navigations) {
      lines.push(`<NavigationPropertyBinding Path="${escapeXml(navigationName(names, set.kind, nav))}" Target="${escapeXml(setOf(nav.target))}"/>`);
    }
    lines.push("</EntitySet>");
  }
  lines.push("</EntityContainer>", "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>");
  return lines.join("\n");
};

export const buildServiceDocument = (projection: ProjectionInfo, serviceRoot: string) => ({
  "@odata.context": `${serviceRoot}/$metadata`,
  value: projection.entitySets.map((s) => ({ name: s.name, kind: "EntitySet", url: s.name })),
});
