// Lint rules: ESLint's and typescript-eslint's recommended sets; formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.gen/',
      'cdktf.out/',
      'coverage/',
      'dist/',
      'terraform.state/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Every app is an InfraApp, which escapes inventory text and refuses two resources with one name.
    files: ['**/*.ts'],
    ignores: ['constructs/InfraApp.ts', 'test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'cdktf', importNames: ['App'], message: 'use InfraApp from constructs/InfraApp.ts' },
          ],
        },
      ],
    },
  },
);
