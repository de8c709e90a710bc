import type { NotifyChannel } from './notify.table.ts';

/** The text of a template: which channels it uses and what each says, with `{{var}}` placeholders. */
export interface TemplateText {
  channels: NotifyChannel[];
  emailSubject: string;
  emailBody: string;
  smsText: string;
  inappTitle: string;
  inappBody: string;
}

export interface TemplateDefinition extends TemplateText {
  /** What the template is for, shown in the template editor. */
  name: string;
  /** The variables the sender fills in. */
  vars: string[];
}

export type TemplateData = Record<string, string | number | null | undefined>;

const SECTION = /\{\{\s*#\s*([A-Za-z_][\w.]*)\s*\}\}([\s\S]*?)\{\{\s*\/\s*\1\s*\}\}/g;
const VAR = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

function text(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Fills a template: sections first (kept when their variable is not empty), then variables. */
export function render(template: string, data: TemplateData): string {
  const sections = template.replace(SECTION, (_m, name: string, body: string) =>
    text(data[name]) !== '' ? body : '',
  );
  return sections.replace(VAR, (_m, name: string) => text(data[name]));
}

/** The variable names a template text uses (in sections and placeholders). */
export function placeholders(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(/\{\{\s*[#/]?\s*([A-Za-z_][\w.]*)\s*\}\}/g)) names.add(m[1]!);
  return [...names];
}

/** Problems that make a template text unusable: unclosed sections, stray braces. */
export function syntaxProblems(template: string): string[] {
  const problems: string[] = [];
  const withoutSections = template.replace(SECTION, (_m, _name: string, body: string) => body);
  for (const m of withoutSections.matchAll(/\{\{\s*([#/])\s*([A-Za-z_][\w.]*)\s*\}\}/g)) {
    problems.push(
      m[1] === '#'
        ? `「{{#${m[2]}}}」缺少对应的「{{/${m[2]}}}」`
        : `「{{/${m[2]}}}」缺少对应的「{{#${m[2]}}}」`,
    );
  }
  const rest = withoutSections.replace(/\{\{\s*[#/]?\s*[A-Za-z_][\w.]*\s*\}\}/g, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('有不完整的占位符，应写作 {{变量名}}');
  return problems;
}
