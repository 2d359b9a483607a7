import MGenTemplates
print(PackageResources.self)
