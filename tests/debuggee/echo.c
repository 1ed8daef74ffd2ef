/* A debuggee that reads its input line by line and answers each, until the
 * end of its input: the program's terminal carries input too. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[256];
	int n = 0;

	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		printf("got %d: [%s]\n", ++n, line);
		fflush(stdout);
	}
	printf("end of input after %d lines\n", n);
	return 0;
}
