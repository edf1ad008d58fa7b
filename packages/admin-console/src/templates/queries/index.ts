import { AdminPackageTemplatesDocument, AdminUpsertPackageTemplateDocument } from '@deeptravel/client';
import { useQuery } from '../../app/api';

export { AdminUpsertPackageTemplateDocument };

/** Package templates with Select options. */
export function useTemplates() {
  const q = useQuery(AdminPackageTemplatesDocument);
  const templates = q.data?.adminPackageTemplates ?? [];
  return { ...q, templates, options: templates.map((t) => ({ value: t.id, label: t.name })), name: (id: string | null | undefined) => templates.find((t) => t.id === id)?.name ?? id ?? '—' };
}
