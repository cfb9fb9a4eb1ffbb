import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', 'action/dist/', 'task/PortSyncV0/*.js', 'coverage/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // sim/ is an independent oracle of the real services: it must never import the engine.
    files: ['sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/core/**', '**/core'], message: 'sim/ shares no code with core/' }] }],
    },
  },
  {
    // core/ is platform-neutral: the CI libraries belong to the thin wrappers.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['azure-pipelines-task-lib', '@actions/core'], patterns: [{ group: ['**/sim/**'], message: 'core/ must not depend on the simulators' }, { group: ['azure-pipelines-task-lib/*', '@actions/*'] }] }],
    },
  },
);
