import { z } from 'zod';
import { listBoards } from './board';
import { defineKind } from './kind';

const boardColumn = z.looseObject({ name: z.string(), stateMappings: z.record(z.string(), z.string()).optional() });

export default defineKind({
  kind: 'column',
  description: "Board columns, one item per (column, work item type → state) pair of each board's state mappings.",
  selector: z.object({}),
  endpoints: ['from the board listing, shared with the board kind (no extra requests)'],
  enrichment: { __board: 'the board', __stateType: 'the work item type of this state mapping', __stateName: 'the state it maps to' },
  availability: 'cloud-and-server',
  permission: 'Work Items (Read)',
  async *list(ctx) {
    for await (const boards of listBoards(ctx)) {
      const items = boards.flatMap((board) => {
        const columns = Array.isArray(board.columns) ? board.columns : [];
        return columns.flatMap((raw) => {
          const column = boardColumn.safeParse(raw);
          if (!column.success) return [];
          return Object.entries(column.data.stateMappings ?? {}).map(([workItemType, state]) => ({
            ...column.data,
            __board: board,
            __stateType: workItemType,
            __stateName: state,
          }));
        });
      });
      if (items.length > 0) yield items;
    }
  },
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsColumn',
        title: 'Board column',
        icon: 'AzureDevops',
        schema: {
          properties: {
            workItemType: { title: 'Work item type', type: 'string' },
            state: { title: 'Mapped state', type: 'string' },
            columnType: { title: 'Column type', type: 'string' },
            itemLimit: { title: 'WIP limit', type: 'number' },
          },
          required: [],
        },
        relations: { board: { title: 'Board', target: 'azureDevopsBoard', required: false, many: false } },
      },
    ],
    resources: [
      {
        kind: 'column',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              // One entity per board, work item type and column. Team boards of one project share column
              // names, so anything coarser would be written once per board and never settle.
              identifier: '.__board.id + "/" + .__stateType + "/" + .name | gsub("[^\\\\p{L}0-9@_.+:/=-]"; "_")',
              title: '.name + " (" + .__stateType + ")"',
              blueprint: '"azureDevopsColumn"',
              properties: { workItemType: '.__stateType', state: '.__stateName', columnType: '.columnType', itemLimit: '.itemLimit' },
              relations: { board: '.__board.id' },
            },
          },
        },
      },
    ],
  },
});
