// Minimal ambient declarations of the Knex types an emitted migration uses, with the signatures
// of knex 3 (types/index.d.ts: Knex, SchemaBuilder, CreateTableBuilder, AlterTableBuilder,
// ColumnBuilder, ReferencingColumnBuilder, FunctionHelper), so `tsc --noEmit` can check emitted
// files without Knex installed (npm is unreachable here). Only what mgen writes is declared.
declare module "knex" {
    export interface Knex {
        schema: Knex.SchemaBuilder;
        fn: Knex.FunctionHelper;
        raw(sql: string, bindings?: readonly any[] | Record<string, any>): Knex.Raw;
        transaction<T = any>(transactionScope: (trx: Knex.Transaction) => Promise<T> | void): Promise<T>;
    }

    export namespace Knex {
        interface Raw extends PromiseLike<any> {}

        interface Transaction extends Knex {}

        interface FunctionHelper {
            now(precision?: number): Raw;
        }

        interface ChainableInterface<T> extends PromiseLike<T> {}

        interface SchemaBuilder extends ChainableInterface<void> {
            createTable(tableName: string, callback: (tableBuilder: CreateTableBuilder) => any): SchemaBuilder;
            alterTable(tableName: string, callback: (tableBuilder: CreateTableBuilder) => any): SchemaBuilder;
            renameTable(oldTableName: string, newTableName: string): SchemaBuilder;
            dropTable(tableName: string): SchemaBuilder;
            raw(statement: string): SchemaBuilder;
            createSchema(schemaName: string): SchemaBuilder;
            createSchemaIfNotExists(schemaName: string): SchemaBuilder;
            dropSchema(schemaName: string, cascade?: boolean): SchemaBuilder;
            dropSchemaIfExists(schemaName: string, cascade?: boolean): SchemaBuilder;
        }

        type Value = string | number | boolean | null | Date | Raw;

        interface TableBuilder {
            increments(columnName?: string, options?: { primaryKey?: boolean }): ColumnBuilder;
            bigIncrements(columnName?: string, options?: { primaryKey?: boolean }): ColumnBuilder;
            dropColumn(columnName: string): TableBuilder;
            renameColumn(from: string, to: string): TableBuilder;
            integer(columnName: string, length?: number): ColumnBuilder;
            bigInteger(columnName: string): ColumnBuilder;
            smallint(columnName: string): ColumnBuilder;
            text(columnName: string, textType?: string): ColumnBuilder;
            string(columnName: string, length?: number): ColumnBuilder;
            float(columnName: string, precision?: number, scale?: number): ColumnBuilder;
            double(columnName: string, precision?: number, scale?: number): ColumnBuilder;
            decimal(columnName: string, precision?: number | null, scale?: number): ColumnBuilder;
            boolean(columnName: string): ColumnBuilder;
            date(columnName: string): ColumnBuilder;
            datetime(columnName: string, options?: Readonly<{ useTz?: boolean; precision?: number }>): ColumnBuilder;
            time(columnName: string): ColumnBuilder;
            timestamp(columnName: string, options?: Readonly<{ useTz?: boolean; precision?: number }>): ColumnBuilder;
            binary(columnName: string, length?: number): ColumnBuilder;
            enu(columnName: string, values: readonly Value[] | null, options?: { useNative?: boolean; enumName?: string }): ColumnBuilder;
            json(columnName: string): ColumnBuilder;
            jsonb(columnName: string): ColumnBuilder;
            uuid(columnName: string, options?: Readonly<{ useBinaryUuid?: boolean; primaryKey?: boolean }>): ColumnBuilder;
            comment(val: string): void;
            specificType(columnName: string, type: string): ColumnBuilder;
            primary(columnNames: readonly string[], options?: Readonly<{ constraintName?: string; deferrable?: string }>): TableBuilder;
            index(columnNames: string | readonly (string | Raw)[], indexName?: string,
                  options?: Readonly<{ indexType?: string; storageEngineIndexType?: string; predicate?: any }>): TableBuilder;
            setNullable(column: string): TableBuilder;
            dropNullable(column: string): TableBuilder;
            unique(columnNames: readonly (string | Raw)[],
                   options?: Readonly<{ indexName?: string; storageEngineIndexType?: string; deferrable?: string; useConstraint?: boolean }>): TableBuilder;
            foreign(column: string, foreignKeyName?: string): ForeignConstraintBuilder;
            foreign(columns: readonly string[], foreignKeyName?: string): MultikeyForeignConstraintBuilder;
            check(checkPredicate: string, bindings?: Record<string, any>, constraintName?: string): TableBuilder;
            dropForeign(columnNames: string | readonly string[], foreignKeyName?: string): TableBuilder;
            dropUnique(columnNames: readonly (string | Raw)[], indexName?: string): TableBuilder;
            dropPrimary(constraintName?: string): TableBuilder;
            dropIndex(columnNames: string | readonly (string | Raw)[], indexName?: string): TableBuilder;
            dropChecks(checkConstraintNames: string | string[]): TableBuilder;
        }

        interface CreateTableBuilder extends TableBuilder {}

        interface ColumnBuilder {
            index(indexName?: string): ColumnBuilder;
            primary(options?: Readonly<{ constraintName?: string }>): ColumnBuilder;
            unique(options?: Readonly<{ indexName?: string }>): ColumnBuilder;
            references(columnName: string): ReferencingColumnBuilder;
            defaultTo(value: Value | null, options?: { constraintName?: string }): ColumnBuilder;
            unsigned(): ColumnBuilder;
            notNullable(): ColumnBuilder;
            nullable(): ColumnBuilder;
            comment(value: string): ColumnBuilder;
            alter(options?: Readonly<{ alterNullable?: boolean; alterType?: boolean }>): ColumnBuilder;
        }

        interface ReferencingColumnBuilder extends ColumnBuilder {
            inTable(tableName: string): ReferencingColumnBuilder;
            onDelete(command: string): ReferencingColumnBuilder;
            onUpdate(command: string): ReferencingColumnBuilder;
        }

        interface ForeignConstraintBuilder {
            references(columnName: string): ReferencingColumnBuilder;
        }

        interface MultikeyForeignConstraintBuilder {
            references(columnNames: readonly string[]): ReferencingColumnBuilder;
        }
    }
}
