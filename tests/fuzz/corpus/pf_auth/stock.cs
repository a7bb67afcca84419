private const string LICENSE_KEY = "ABCDEF123456";
private const string GROUP_KEY = @"0123";
/* x */ // y
