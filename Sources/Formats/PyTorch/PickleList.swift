import Graph

/// A Python list, shared by reference.
final class PickleList {
    var items: [PickleValue] = []
}
