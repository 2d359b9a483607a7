public enum MGenTemplatesProbe {}
