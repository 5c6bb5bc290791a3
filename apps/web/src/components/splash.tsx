export const Splash = ({ text, error = false }: { text: string; error?: boolean }) => (
  <main className="flex h-full items-center justify-center bg-[#313338] p-6">
    <p role={error ? 'alert' : 'status'} className={error ? 'max-w-md text-center text-red-300' : 'text-[#b5bac1]'}>
      {text}
    </p>
  </main>
);
