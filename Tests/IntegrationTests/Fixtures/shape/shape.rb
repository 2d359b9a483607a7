# Prints the syntax tree of each Ruby file with the text of every plain string blanked: two
# files with the same shape run the same code, whatever their strings and comments say. A string
# that interpolates (DSTR) or runs a command (XSTR, DXSTR) keeps its node type, so it shows.
def shape(node, out, depth)
  out << ("  " * depth) + node.type.to_s
  node.children.each do |child|
    if child.is_a?(RubyVM::AbstractSyntaxTree::Node)
      shape(child, out, depth + 1)
    else
      out << ("  " * (depth + 1)) + (child.is_a?(String) ? '""' : child.inspect)
    end
  end
end

ARGV.each do |path|
  out = [File.basename(path)]
  shape(RubyVM::AbstractSyntaxTree.parse(File.read(path, encoding: "UTF-8")), out, 0)
  puts out
end
