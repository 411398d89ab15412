import type { Monaco, monacoTypes } from '@grafana/ui';

import { sqlCompletions, type SqlCompletion, type SqlCompletionSource } from './sqlCompletions';

function kindOf(monaco: Monaco, kind: SqlCompletion['kind']): monacoTypes.languages.CompletionItemKind {
  const kinds = monaco.languages.CompletionItemKind;
  return {
    column: kinds.Field,
    table: kinds.Class,
    macro: kinds.Function,
    variable: kinds.Variable,
    keyword: kinds.Keyword,
  }[kind];
}

/**
 * Registers the SQL completion provider for one editor model (every SQL query of a dashboard has its own editor, and
 * Monaco providers are global per language, so each answers only for its model). Returns the disposable.
 */
export function registerSqlCompletion(
  monaco: Monaco,
  modelId: string,
  getSource: () => SqlCompletionSource
): monacoTypes.IDisposable {
  return monaco.languages.registerCompletionItemProvider('sql', {
    triggerCharacters: ['.', '$'],
    provideCompletionItems(model, position) {
      if (model.id !== modelId) {
        return { suggestions: [] };
      }
      const text = model.getValueInRange({
        startLineNumber: 1,
        startColumn: 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      });
      const { items, replaceLength } = sqlCompletions(text, getSource());
      const range = {
        startLineNumber: position.lineNumber,
        endLineNumber: position.lineNumber,
        startColumn: Math.max(1, position.column - replaceLength),
        endColumn: position.column,
      };
      return {
        suggestions: items.map((item, index) => ({
          label: item.label,
          kind: kindOf(monaco, item.kind),
          insertText: item.insertText,
          insertTextRules: item.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
          detail: item.detail,
          documentation: item.documentation,
          // keep our order: columns, tables, macros, keywords
          sortText: String(index).padStart(4, '0'),
          range,
        })),
      };
    },
  });
}
