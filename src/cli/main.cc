#include <cstdio>

int main() { std::puts("tensorstark"); return 0; }
