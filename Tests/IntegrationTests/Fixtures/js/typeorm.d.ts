// Minimal ambient declarations of the TypeORM types an emitted migration uses, with the
// signatures of typeorm 0.3 (src/migration/MigrationInterface.ts, src/query-runner/QueryRunner.ts),
// so `tsc --noEmit` can check emitted files without TypeORM installed (npm is unreachable here).
declare module "typeorm" {
    export interface QueryRunner {
        query(query: string, parameters?: any[], useStructuredResult?: boolean): Promise<any>;
    }

    export interface MigrationInterface {
        name?: string;
        transaction?: boolean;
        up(queryRunner: QueryRunner): Promise<any>;
        down(queryRunner: QueryRunner): Promise<any>;
    }
}
