import ArgumentParser
import Formats

extension PredictionFormat: ExpressibleByArgument {}
