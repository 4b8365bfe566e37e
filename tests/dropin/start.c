/* The drop-in test's measure of process start: a program that starts and
 * ends, linked against kernel32 only. */

int main(void)
{
    return 0;
}
