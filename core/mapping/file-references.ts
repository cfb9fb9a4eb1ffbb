import type { ResourceConfig } from './app-config';

const PREFIX = 'file://';

export type FileReference = { property: string; mappingIndex: number; path: string };

/**
 * Ocean's deprecated `readme: file://README.md` property values (ocean-azure-devops.md §1.4): the
 * file's text on the repository's default branch. Mappings brought from Ocean still carry them, so
 * they are read the way this engine reads files into a repository: the path joins the selector's
 * `includedFiles`, and the value becomes `.__includedFiles["README.md"]`.
 */
export function fileReferencesOf(resource: ResourceConfig): FileReference[] {
  return resource.port.entity.mappings.flatMap((mapping, mappingIndex) =>
    Object.entries(mapping.properties ?? {}).flatMap(([property, value]) =>
      typeof value === 'string' && value.trim().startsWith(PREFIX) ? [{ property, mappingIndex, path: value.trim().slice(PREFIX.length) }] : [],
    ),
  );
}

/** The resource with each reference read from `__includedFiles`, and its paths added to `includedFiles`. */
export function withIncludedFiles(resource: ResourceConfig, references: readonly FileReference[]): ResourceConfig {
  if (references.length === 0) return resource;
  const listed = Array.isArray(resource.selector['includedFiles']) ? (resource.selector['includedFiles'] as unknown[]) : [];
  const includedFiles = [...new Set([...listed, ...references.map((r) => r.path)])];
  const mappings = resource.port.entity.mappings.map((mapping, mappingIndex) => {
    const mine = references.filter((r) => r.mappingIndex === mappingIndex);
    if (mine.length === 0) return mapping;
    const properties = { ...mapping.properties };
    for (const { property, path } of mine) properties[property] = `.__includedFiles[${JSON.stringify(path)}]`;
    return { ...mapping, properties };
  });
  return { ...resource, selector: { ...resource.selector, includedFiles }, port: { ...resource.port, entity: { ...resource.port.entity, mappings } } };
}
