export declare const DOC_PATH: string;
export declare const ACTION_PATH: string;
export declare function renderInputsTable(manifestText: string): string;
export declare function renderOutputsTable(manifestText: string): string;
export declare function replaceSection(doc: string, name: string, content: string): string;
export declare function renderDoc(doc: string, manifestText: string): string;
