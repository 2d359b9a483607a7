# Runs the migrations of a db/migrate folder with ActiveRecord's own MigrationContext, as
# `rails db:migrate` / `db:rollback` do, without a Rails app.
#
#   ruby run.rb <db/migrate folder> <command>
#   command: forward (one migration up), rollback (one down), migrate (all up), down-all (to 0), version,
#            serve (reads those commands one a line from stdin, each answered by its output and a
#            line "\x01mgen-done STATUS": one launch for a whole walk)
#
# The database comes from MGEN_AR_ADAPTER, MGEN_AR_DATABASE and, for servers, MGEN_AR_HOST,
# MGEN_AR_PORT, MGEN_AR_USERNAME, MGEN_AR_PASSWORD.
require "active_record"

folder, command = ARGV
abort "usage: ruby run.rb <db/migrate folder> forward|rollback|migrate|down-all|version" unless folder && command

config = { adapter: ENV.fetch("MGEN_AR_ADAPTER"), database: ENV.fetch("MGEN_AR_DATABASE") }
%w[host port username password].each do |key|
  value = ENV["MGEN_AR_#{key.upcase}"]
  config[key.to_sym] = (key == "port" ? Integer(value) : value) if value && !value.empty?
end
ActiveRecord::Base.establish_connection(config)
ActiveRecord::Migration.verbose = ENV["MGEN_AR_VERBOSE"] == "1"

def perform(folder, command)
  context = ActiveRecord::MigrationContext.new([folder], ActiveRecord::SchemaMigration)
  case command
  when "forward"
    # Not context.forward(1): from version 0, Rails 6.1's `move` skips to the second migration.
    pending = context.migrations.map(&:version) - context.get_all_versions
    context.up(pending.min) unless pending.empty?
  when "rollback" then context.rollback(1)
  when "migrate" then context.migrate
  when "down-all" then context.migrate(0)
  when "version" then nil
  else abort "unknown command #{command}"
  end
  context.current_version
end

if command == "serve"
  $stdout.sync = true
  $stderr.reopen($stdout)
  $stdin.each_line do |line|
    status = 0
    begin
      puts perform(folder, line.strip)
    rescue Exception => e
      puts "#{e.class}: #{e.message}", e.backtrace.first(8)
      status = 1
    end
    puts "\u0001mgen-done #{status}"
  end
else
  puts perform(folder, command)
end
