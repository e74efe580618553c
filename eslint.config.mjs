import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const validation = ['class-validator', 'class-transformer'];
const infrastructure = ['@nestjs/*', 'pg', 'kafkajs', '@eventstore/*', '@electric-sql/*', 'fastify', '@fastify/*', 'pino*', 'prom-client'];

export default tseslint.config(
  { ignores: ['**/dist', '**/node_modules', '**/.data', '**/.infra', '**/coverage', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      // The boundary rule below must allow @tally/api for the tests; nothing else may import it.
      'no-restricted-imports': ['error', { paths: [{ name: '@tally/api', message: 'only test/ runs the api in-process' }] }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // Only the e2e tests (type:test) import the api, to run it in-process.
          allow: ['@tally/api'],
          depConstraints: [
            // Stored events and their serde: plain data, no validation library (that is the messages' job).
            { sourceTag: 'type:events', onlyDependOnLibsWithTags: ['type:events'], bannedExternalImports: [...infrastructure, ...validation] },
            // Transport contracts (CloudEvents usage message, decision message, topics) and their validation.
            { sourceTag: 'type:messages', onlyDependOnLibsWithTags: ['type:events'], bannedExternalImports: infrastructure },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:events'], bannedExternalImports: [...infrastructure, ...validation] },
            { sourceTag: 'type:eventstore', onlyDependOnLibsWithTags: ['type:events'] },
            { sourceTag: 'type:read-models', onlyDependOnLibsWithTags: ['type:events', 'type:messages', 'type:domain', 'type:eventstore'] },
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:events', 'type:messages', 'type:eventstore', 'type:read-models'] },
            // The client is published on its own (npm pack): it may import no other lib of the repository.
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: [], bannedExternalImports: ['@nestjs/*', 'pg', '@eventstore/*', '@electric-sql/*'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:events', 'type:messages', 'type:domain', 'type:eventstore', 'type:read-models', 'type:runtime', 'type:client'] },
            // The console is browser code: it talks to the api over HTTP only and imports no lib.
            { sourceTag: 'type:console', onlyDependOnLibsWithTags: [], bannedExternalImports: ['@nestjs/*', 'pg', 'kafkajs', '@eventstore/*', '@electric-sql/*', 'node:*'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:events', 'type:messages', 'type:domain', 'type:eventstore', 'type:read-models', 'type:runtime', 'type:client', 'type:app'] },
          ],
        },
      ],
    },
  },
  {
    // One adapter owns the Kafka client (libs/client is the producers' own, separate package).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/runtime/src/kafka/kafka.adapter.ts', 'libs/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@tally/api', message: 'only test/ runs the api in-process' },
            { name: 'kafkajs', message: 'kafkajs stays behind libs/runtime/src/kafka/kafka.adapter.ts' },
          ],
        },
      ],
    },
  },
  {
    // Test clients read arbitrary JSON replies; `any` there keeps assertions readable.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-imports': 'off' },
  },
);
