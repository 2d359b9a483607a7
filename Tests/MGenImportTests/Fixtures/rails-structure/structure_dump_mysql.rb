# A Rails app's db/structure.sql on MySQL/MariaDB, made the way Rails makes it: a migration run by
# ActiveRecord 6.1 (mysql2), then ActiveRecord's own structure dump (mysqldump --no-data --routines
# plus the schema_migrations rows). Usage: ruby structure_dump_mysql.rb mysql2://… OUTPUT_FILE
require "active_record"
url, file = ARGV
ActiveRecord::Base.establish_connection(url)
ActiveRecord::Migration.verbose = false

class CreateShop < ActiveRecord::Migration[6.1]
  def change
    create_table :users do |t|
      t.string :email, null: false
      t.string :name
      t.integer :role, null: false, default: 0
      t.boolean :admin, null: false, default: false
      t.timestamps
    end
    add_index :users, :email, unique: true
    create_table :posts do |t|
      t.references :user, null: false, foreign_key: true
      t.string :title, null: false, limit: 200
      t.text :body
      t.decimal :price, precision: 10, scale: 2
      t.datetime :published_at
      t.timestamps
    end
    add_index :posts, [:user_id, :published_at]
    create_table :tags do |t|
      t.string :label, null: false
    end
    reversible do |dir|
      dir.up do
        execute "CREATE VIEW published_posts AS SELECT id, title FROM posts WHERE published_at IS NOT NULL"
        execute "CREATE TRIGGER users_lower_email BEFORE INSERT ON users FOR EACH ROW SET NEW.email = LOWER(NEW.email)"
      end
    end
  end
end

ActiveRecord::SchemaMigration.create_table
ActiveRecord::InternalMetadata.create_table
CreateShop.new.migrate(:up)
ActiveRecord::SchemaMigration.create!(version: "20240101000000")
ActiveRecord::SchemaMigration.create!(version: "20240102000000")
ActiveRecord::InternalMetadata[:environment] = "development"
ActiveRecord::Tasks::DatabaseTasks.db_dir = File.dirname(file)
ENV["SCHEMA"] = file
ActiveRecord::Tasks::DatabaseTasks.dump_schema(ActiveRecord::Base.connection_db_config, :sql)
