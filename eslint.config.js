import nx from '@nx/eslint-plugin'
import tseslint from 'typescript-eslint'

export default [
  { ignores: ['**/node_modules/**', 'dist/**', 'coverage/**', '.nx/**', '.tap/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      // Apps may use libs; libs only other libs; nothing imports an app (DESIGN.md, Nx tags).
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // Tools start apps as processes; they never import them.
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            // Infrastructure reads libs (the table list), never an app: it deploys their bundles.
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['tools/**/*.ts', 'infra/**/*.ts', '**/test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
]
