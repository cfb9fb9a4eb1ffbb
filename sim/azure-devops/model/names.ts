import type { Rng } from './random';

/**
 * Word lists for realistic names. Some generated names carry spaces and parentheses on purpose:
 * Ocean broke on repository names with parentheses (ocean-azure-devops.md §2.2, PR #989).
 */

const FIRST = ['Ava', 'Liam', 'Noah', 'Mia', 'Zoe', 'Omar', 'Ines', 'Kenji', 'Priya', 'Lars', 'Chloé', 'Mateo', 'Sofia', 'Arjun', 'Hana', 'Diego', 'Nora', 'Ivan', 'Leila', 'Tomás', 'Grace', 'Yusuf', 'Elena', 'Kwame', 'Astrid', 'Ravi', 'Maya', 'Felix', 'Amara', 'Jonas'];
const LAST = ['García', 'Smith', 'Okafor', 'Nakamura', 'Müller', 'Rossi', 'Kowalski', 'Haddad', 'Johansson', 'Patel', 'Dubois', 'Silva', "O'Brien", 'Novak', 'Chen', 'Andersen', 'Fischer', 'Kim', 'Moreau', 'Ivanova', 'Mensah', 'Costa', 'Berg', 'Singh', 'Lopez'];
const PROJECT_WORDS = ['Fabrikam', 'Contoso', 'Northwind', 'Tailspin', 'Woodgrove', 'Litware', 'Adventure Works', 'Proseware', 'Fourth Coffee', 'Wingtip', 'Coho', 'Margie', 'Lucerne', 'Trey', 'Alpine'];
const PROJECT_SUFFIX = ['Platform', 'Payments', 'Mobile', 'Data', 'Identity', 'Web', 'Infra', 'Search', 'Analytics', 'Billing', 'Core', 'Edge'];
const REPO_WORDS = ['api', 'web', 'worker', 'gateway', 'auth', 'billing', 'search', 'ledger', 'catalog', 'notifier', 'scheduler', 'ingest', 'reports', 'frontend', 'sdk', 'cli', 'infra', 'terraform', 'helm-charts', 'docs', 'mobile', 'orders', 'inventory', 'pricing'];
const TEAM_WORDS = ['Falcons', 'Otters', 'Platform', 'Checkout', 'Growth', 'Reliability', 'Core Services', 'Data Eng', 'Mobile (iOS)', 'Mobile (Android)', 'Security', 'Developer Experience'];
const VERBS = ['Add', 'Fix', 'Refactor', 'Update', 'Remove', 'Improve', 'Migrate', 'Document', 'Harden', 'Speed up'];
const NOUNS = ['login flow', 'retry policy', 'cache layer', 'billing export', 'search index', 'audit log', 'rate limiter', 'CSV import', 'dark mode', 'health checks', 'onboarding wizard', 'webhook handler', 'pagination', 'feature flags', 'error pages'];
const BRANCH_WORDS = ['feature', 'bugfix', 'hotfix', 'release', 'users'];

export interface PersonName {
  first: string;
  last: string;
  display: string;
  alias: string;
}

export function personName(rng: Rng, index: number): PersonName {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const alias = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  return { first, last, display: `${first} ${last}`, alias: `${alias}${index}` };
}

export function projectName(rng: Rng, index: number): string {
  const base = `${PROJECT_WORDS[index % PROJECT_WORDS.length] ?? 'Project'} ${rng.pick(PROJECT_SUFFIX)}`;
  // Every third project name uses dashes only, so both styles are covered.
  const name = index % 3 === 1 ? base.replace(/ /g, '-') : base;
  return index < PROJECT_WORDS.length ? name : `${name} ${Math.floor(index / PROJECT_WORDS.length) + 1}`;
}

export function repositoryName(rng: Rng, index: number, projectShort: string): string {
  const word = rng.pick(REPO_WORDS);
  const variant = index % 11;
  if (variant === 3) return `${word} (legacy)`;
  if (variant === 7) return `${projectShort} ${word}`;
  return `${word}-${index}`;
}

export function teamName(rng: Rng, index: number): string {
  return `${rng.pick(TEAM_WORDS)} ${index}`;
}

export function title(rng: Rng): string {
  return `${rng.pick(VERBS)} ${rng.pick(NOUNS)}`;
}

export function branchName(rng: Rng, index: number, alias: string): string {
  const kind = rng.pick(BRANCH_WORDS);
  const topic = rng.pick(NOUNS).replace(/ /g, '-').toLowerCase();
  if (kind === 'users') return `users/${alias}/${topic}-${index}`;
  if (kind === 'release') return `release/${2020 + (index % 6)}.${index % 12}`;
  return `${kind}/${topic}-${index}`;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
