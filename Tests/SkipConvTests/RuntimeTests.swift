import XCTest
@testable import SkipConv
